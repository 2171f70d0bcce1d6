from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govhall.core"
    label = "core"
    verbose_name = "平台公共"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
