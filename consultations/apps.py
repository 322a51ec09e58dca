from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The demo grows with each app: register this app's part of it.
        from visionportal.demo import DEMO_EXTENSIONS

        from .demo import extend_demo

        if extend_demo not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(extend_demo)
