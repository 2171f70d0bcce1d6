"""What every app shares: the base model, and the worker heartbeat the health check reads."""

from __future__ import annotations

from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


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
