from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _register_sqlite_functions(sender, connection, **kwargs):
    # SQLite folds case for ASCII letters only; the answers search needs å, ä, ö, æ, ø too.
    if connection.vendor == "sqlite":
        from .selectors import CASEFOLD_FUNCTION

        connection.connection.create_function(
            CASEFOLD_FUNCTION,
            1,
            lambda text: text.casefold() if isinstance(text, str) else text,
            deterministic=True,
        )


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The demo grows with each app: register this app's part of it.
        from visionportal.demo import DEMO_EXTENSIONS

        from .budget.demo import extend_demo as extend_budget_demo
        from .demo import extend_demo
        from .workshops.demo import extend_demo as extend_workshops_demo

        for extend in (extend_demo, extend_workshops_demo, extend_budget_demo):
            if extend not in DEMO_EXTENSIONS:
                DEMO_EXTENSIONS.append(extend)
        connection_created.connect(_register_sqlite_functions, dispatch_uid="consultations_sqlite")
