from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _response_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from keywords.extraction.services import on_response_stored

        on_response_stored(instance)


def _answer_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is None or "text" in update_fields:
        from keywords.extraction.services import on_answer_saved

        on_answer_saved(instance)
    elif "hidden_at" in update_fields:
        # Hiding by a moderator changes no keywords, but a hidden answer counts nowhere.
        from keywords.tallies import answer_tallies_recount

        answer_tallies_recount(answer=instance)


class KeywordsConfig(AppConfig):
    name = "keywords"
    verbose_name = _("Keywords")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The demo grows with each app (consultations registers first: INSTALLED_APPS).
        from visionportal.demo import DEMO_EXTENSIONS

        from .demo import extend_demo

        if extend_demo not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(extend_demo)
        # Why a signal and not a call in consultations.services: dependencies point
        # consultations <- keywords, so consultations must not import keywords. The
        # receivers only mark work pending and schedule the sweep on commit; the logic
        # stays in keywords.extraction.services. response_submit bulk-creates Answers (no
        # post_save), so a new Response is the hook and the sweep reads its answers after
        # the commit; an Answer saved on its own (an edit) marks its response pending
        # again. Extraction is idempotent, so both firing for one response only costs time.
        post_save.connect(
            _response_saved, sender="consultations.Response", dispatch_uid="keywords_response"
        )
        post_save.connect(
            _answer_saved, sender="consultations.Answer", dispatch_uid="keywords_answer"
        )
