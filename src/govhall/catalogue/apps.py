from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "govhall.catalogue"
    label = "catalogue"
    verbose_name = "事项目录"
