"""Who may do what with a licence: the holder (or an operator of the holding enterprise) sees, downloads and
authorises it; the issuing department's staff revoke and replace it; a department the holder authorised sees
it until the authorisation runs out. The checks live in services.is_holder / selectors.may_view and
services._require_issuer_staff; this module names them for other apps."""

from __future__ import annotations

from typing import Any

from govhall.identity.permissions import is_staff_member

from .models import Licence
from .selectors import may_view
from .services import is_holder

__all__ = ["is_holder", "may_revoke", "may_view"]


def may_revoke(user: Any, licence: Licence) -> bool:
    return is_staff_member(user) and user.department_id == licence.issuer_id
