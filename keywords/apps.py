from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeywordsConfig(AppConfig):
    name = "keywords"
    verbose_name = _("Keywords")
    default_auto_field = "django.db.models.BigAutoField"
