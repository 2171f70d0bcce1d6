from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "govhall.sharing"
    label = "sharing"
    verbose_name = "一库共享"
