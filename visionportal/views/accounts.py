"""Where our sign-in pages differ from allauth's own views."""

import logging
import smtplib

from allauth.account import views as allauth_views
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class PasswordResetView(allauth_views.PasswordResetView):
    """allauth's password reset, but a mail server that cannot be reached is "try again
    later" on the form (503, logged for the operators), not a 500. The same answer for a
    known and an unknown address (allauth writes to both), so it reveals no account."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (OSError, smtplib.SMTPException) as error:
            logger.error(
                "Password reset e-mail not sent, mail server unavailable: %s: %s",
                type(error).__name__,
                error,
            )
            form.add_error(None, _("The e-mail could not be sent just now. Try again later."))
            response = self.form_invalid(form)
            response.status_code = 503
            return response


password_reset = PasswordResetView.as_view()
