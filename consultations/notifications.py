""" "Tell me when the results are out" (issue 14): an e-mail address kept apart from the
answers, used once and deleted.

Services write (subscribe, delete, notify); the token in the deletion link is signed, so
only the person who received it can delete the address (nobody can enumerate others').
"""

from __future__ import annotations

import logging
import smtplib

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Consultation, ResultsSubscription

logger = logging.getLogger(__name__)

_SALT = "consultations.results-subscription"
# Sent in batches, each deleted as it is sent: a crash midway resends nothing already sent.
BATCH = 200


def deletion_token(subscription: ResultsSubscription) -> str:
    return signing.dumps({"s": subscription.pk, "c": subscription.consultation_id}, salt=_SALT)


def subscription_from_token(token: str) -> ResultsSubscription | None:
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return (
        ResultsSubscription.objects.filter(pk=data.get("s"), consultation_id=data.get("c"))
        .select_related("consultation__process__municipality")
        .first()
    )


def results_subscription_create(
    *, consultation: Consultation, email: str, language: str, site_url: str
) -> ResultsSubscription:
    """Store the address once per consultation (a second request for it is the same one)."""
    email = (email or "").strip()
    if not email:
        raise ValidationError(_("Enter your e-mail address."))
    if len(email) > 254:
        raise ValidationError(_("The e-mail address is too long."))
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _("Enter an e-mail address in the right format, like name@example.com.")
        ) from None
    try:
        with transaction.atomic():
            return ResultsSubscription.objects.create(
                consultation=consultation,
                email=email.lower(),
                language=language,
                site_url=site_url,
            )
    except IntegrityError:
        return ResultsSubscription.objects.get(consultation=consultation, email=email.lower())


def results_subscription_delete(*, subscription: ResultsSubscription) -> None:
    subscription.delete()


def _results_url(subscription: ResultsSubscription) -> str:
    consultation = subscription.consultation
    process = consultation.process
    path = reverse(
        "results:consultation", args=[process.municipality.slug, process.slug, consultation.pk]
    )
    return subscription.site_url.rstrip("/") + path


def results_subscribers_notify(*, consultation_id: int) -> int:
    """E-mail everyone who asked to hear about this consultation's results, then forget
    their address. Idempotent: a second run finds no one left. Returns how many were sent."""
    sent = 0
    while True:
        batch = list(
            ResultsSubscription.objects.filter(consultation_id=consultation_id)
            .select_related("consultation__process__municipality")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return sent
        for subscription in batch:
            results_url = _results_url(subscription)
            with translation.override(subscription.language):
                context = {
                    "consultation": subscription.consultation,
                    "municipality": subscription.consultation.process.municipality,
                    "results_url": results_url,
                }
                subject = _("The results are out: %(title)s") % {
                    "title": subscription.consultation.title
                }
                body = render_to_string("consultations/email/results_out.txt", context)
            try:
                send_mail(subject, body, None, [subscription.email])
            except (smtplib.SMTPException, OSError):
                # Mail down: keep the rest for the retry (the task's), drop nothing unsent.
                logger.warning("Results e-mail not sent; will retry", exc_info=True)
                raise
            # Sent: the address has served its only purpose.
            subscription.delete()
            sent += 1
