"""Seed the holiday table from chinese-calendar, so every installation counts working days from day one."""

from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar

    from govhall.core.services import _holiday_name

    day_model = apps.get_model("core", "CalendarDay")
    year_model = apps.get_model("core", "CalendarYear")
    existing = set(day_model.objects.values_list("date", flat=True))
    rows = [
        day_model(date=day, is_workday=False, name=_holiday_name(name), source="package")
        for day, name in chinese_calendar.holidays.items()
        if day.weekday() < 5 and day not in existing
    ] + [
        day_model(date=day, is_workday=True, name=f"{_holiday_name(name)}调休上班", source="package")
        for day, name in chinese_calendar.workdays.items()
        if day.weekday() >= 5 and day not in existing
    ]
    day_model.objects.bulk_create(rows)
    years = sorted({day.year for day in chinese_calendar.holidays})
    year_model.objects.bulk_create(
        [year_model(year=y, confirmed=True, note="chinese-calendar 数据包") for y in years], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
