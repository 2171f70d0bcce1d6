"""What every app shares: the base model, and the worker heartbeat the health check reads."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length

from .errors import ValidationFailed

models.TextField.register_lookup(Length)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


def text_limits(**limits: int) -> list[models.BaseConstraint]:
    """The database's own guard on the length of text fields (a TextField's max_length alone binds only forms
    and ``text_lengths_check``): one CHECK per field, named after app, model and field. Pass each field's
    max_length."""
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{name}__length__lte": limit}),
            name=f"%(app_label)s_%(class)s_{name}_length",
        )
        for name, limit in limits.items()
    ]


def text_lengths_check(instance: models.Model, *names: str) -> None:
    """Refuse, naming the field, a text longer than its field's max_length (before the database would)."""
    for field in instance._meta.fields:
        limit = getattr(field, "max_length", None)
        if (
            (names and field.name not in names)
            or not limit
            or not isinstance(field, (models.CharField, models.TextField))
        ):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str) and len(value) > limit:
            raise ValidationFailed(
                f"{field.verbose_name}不能超过{limit}个字符（现为{len(value)}个）", field=field.name
            )


class WorkerHeartbeat(models.Model):
    """One row per running background worker, touched every few seconds."""

    name = models.CharField("工作进程", max_length=100, unique=True)
    pid = models.IntegerField("进程号")
    seen_at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = verbose_name_plural = "后台工作进程"

    def __str__(self) -> str:
        return self.name


def field_label(model: type[models.Model], name: str) -> str:
    """The verbose name of a model field, for messages that name it."""
    field = model._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


class CalendarDay(models.Model):
    """A day that differs from Monday–Friday: a holiday on a weekday, or a working weekend (调休)."""

    class Source(models.TextChoices):
        PACKAGE = "package", "chinese-calendar 数据包"
        ADMIN = "admin", "管理员录入"

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField(
        "是否工作日", help_text="勾选表示该日上班（如调休的周末）；不勾选表示放假"
    )
    name = models.CharField("名称", max_length=50, blank=True, help_text="如：国庆节、春节调休上班")
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.ADMIN)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '放假'} {self.name}"


class CalendarYear(models.Model):
    """A year whose official holiday arrangement has been entered; other years count Monday–Friday."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    confirmed = models.BooleanField("已录入国务院公布的安排", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日年度安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class WorkdayOrdinal(models.Model):
    """Every date's running count of working days since 2000-01-01 (derived from the holiday table), so that
    the working days between two dates are a subtraction in SQL: supervision and monthly reports count them
    over millions of cases at once."""

    date = models.DateField("日期", primary_key=True)
    ordinal = models.IntegerField("累计工作日")

    class Meta:
        verbose_name = verbose_name_plural = "工作日序号"

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.ordinal}"


class RateCounter(models.Model):
    """Fixed-window counters for throttling (login attempts per client address, progress look-ups): one row
    per key and window, incremented by one upsert. Old windows are deleted by the worker's cleanup."""

    name = models.CharField(max_length=100)
    started = models.BigIntegerField()  # the window's start, in seconds since the epoch
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "访问频率计数"
        constraints = [models.UniqueConstraint(fields=["name", "started"], name="one_counter_per_window")]
        indexes = [models.Index(fields=["started"], name="ratecounter_started")]

    def __str__(self) -> str:
        return f"{self.name}@{self.started}"
