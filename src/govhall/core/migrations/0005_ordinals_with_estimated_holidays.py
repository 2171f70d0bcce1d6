"""Years without an official arrangement now lose their statutory holidays (core.holidays): recount the
working-day ordinals that supervision and the monthly reports subtract."""

import datetime as dt

from django.db import migrations


def rebuild(apps, schema_editor):
    from govhall.core.workdays import ORDINAL_EPOCH, WorkCalendar, workday_ordinals

    day_model = apps.get_model("core", "CalendarDay")
    year_model = apps.get_model("core", "CalendarYear")
    ordinal_model = apps.get_model("core", "WorkdayOrdinal")
    confirmed = frozenset(year_model.objects.filter(confirmed=True).values_list("year", flat=True))
    calendar = WorkCalendar(dict(day_model.objects.values_list("date", "is_workday")), confirmed)
    known = ordinal_model.objects.order_by("-date").values_list("date", flat=True).first()
    last = max(d for d in (known, dt.date(dt.date.today().year + 5, 12, 31)) if d is not None)
    ordinal_model.objects.all().delete()
    rows = workday_ordinals(calendar, ORDINAL_EPOCH, last, 0)
    ordinal_model.objects.bulk_create([ordinal_model(date=d, ordinal=n) for d, n in rows], batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_workday_ordinal")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
