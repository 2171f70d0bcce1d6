from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "govhall.sharing"
    label = "sharing"
    verbose_name = "一库共享"

    def ready(self) -> None:
        from govhall.catalogue.sources import source_describer_register

        from .selectors import materials_describe

        source_describer_register("shared_data", materials_describe)
