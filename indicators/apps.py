from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from visionportal.demo import DEMO_EXTENSIONS

        from .demo import extend_demo

        if extend_demo not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(extend_demo)
