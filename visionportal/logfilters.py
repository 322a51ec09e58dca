"""Logging filters (settings.LOGGING)."""

import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http.multipartparser import MultiPartParserError

# Refusals of a request that our code or Django decided on purpose: the log line says what
# was refused; a traceback would only bury the real errors.
REFUSALS = (PermissionDenied, SuspiciousOperation, BadRequest, MultiPartParserError)


class OneLineRefusals(logging.Filter):
    """Log a refused request (403, a suspicious or bad request) in one line: the message
    and the reason, without the traceback Django attaches. Other errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and isinstance(exc_info[1], REFUSALS):
            reason = str(exc_info[1])
            message = record.getMessage()
            if reason and reason not in message:
                message = f"{message} ({type(exc_info[1]).__name__}: {reason})"
            record.msg, record.args = message.replace("\n", " "), None
            record.exc_info = record.exc_text = None
        return True
