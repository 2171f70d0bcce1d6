from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "govhall.licences"
    label = "licences"
    verbose_name = "电子证照"

    def ready(self) -> None:
        from govhall.catalogue.sources import source_describer_register

        from .selectors import materials_describe

        source_describer_register("licence", materials_describe)
