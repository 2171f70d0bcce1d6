from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from govhall.identity.auth import AuthedRequest

from .selectors import inbox
from .services import notices_mark_read


@login_required
def messages_page(request: AuthedRequest) -> HttpResponse:
    """站内消息: the applicant's notices, newest first; opening the page marks them read."""
    page = Paginator(inbox(request.user), 20).get_page(request.GET.get("page"))
    unread = {n.pk for n in page.object_list if n.read_at is None}
    notices_mark_read(user=request.user)
    context = {"page": page, "unread": unread, "crumbs": [("站内消息", None)]}
    return render(request, "notices/messages.html", context)
