from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "govhall.notices"
    label = "notices"
    verbose_name = "消息通知"
