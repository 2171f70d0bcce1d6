from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "govhall.notices"
    label = "notices"
    verbose_name = "消息通知"

    def ready(self) -> None:
        # Identity sits below notices: it sends its SMS (找回密码 codes) through this registered sender.
        from govhall.identity.services import sms_sender_register

        from .outbox import notify_sms

        sms_sender_register(notify_sms)
