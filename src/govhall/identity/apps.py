from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "govhall.identity"
    label = "identity"
    verbose_name = "账户与组织"
