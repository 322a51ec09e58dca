from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisionportalConfig(AppConfig):
    name = "visionportal"
    verbose_name = _("Visionportal")
    default_auto_field = "django.db.models.BigAutoField"
