"""Generating a numbered PDF document (visionportal.models.GeneratedDocument: decision
packs, follow-up reports) in a Celery task: claim it, report progress on its row, render the
HTML to a tagged PDF, store the file privately, and record the outcome.

The callers give what differs: how to write the document's HTML and where to store it.
"""

import logging
from collections.abc import Callable

from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .files import store_file
from .models import GeneratedDocument, PackStatus, VisionProcess

logger = logging.getLogger(__name__)

# A document whose worker died mid-way (acks_late redelivers its task) may be taken over
# once it has been "running" this long; a live render of a 40-page document takes seconds.
STALE_RUNNING = timezone.timedelta(minutes=10)


def document_create(
    model: type[GeneratedDocument],
    *,
    process: VisionProcess,
    numbered_within: dict | None = None,
    **fields,
):
    """A new document of `process` with the next number, counted within the process or,
    given `numbered_within` (such as {"workshop": workshop}), within those documents. Call
    inside a transaction: the process row is locked so two requests cannot take the same
    number."""
    VisionProcess.objects.select_for_update().get(pk=process.pk)
    scope = numbered_within or {"process": process}
    latest = model.objects.filter(**scope).aggregate(n=Max("number"))["n"]
    return model.objects.create(process=process, number=(latest or 0) + 1, **fields)


def document_progress(document: GeneratedDocument, percent: int, stage: str) -> None:
    type(document).objects.filter(pk=document.pk).update(progress=percent, stage=stage[:120])


def document_generate(
    model: type[GeneratedDocument],
    pk: int,
    *,
    write_html: Callable[[GeneratedDocument, Callable[[int, str], None]], str],
    file_name: Callable[[GeneratedDocument], str],
) -> tuple[GeneratedDocument, bool]:
    """Generate document `pk`'s PDF; returns (the document, whether this call made it).

    Idempotent: a document that is ready, failed, or being made by a live worker is left
    alone, so a redelivered task changes nothing. `write_html(document, progress)` returns
    the HTML in the document's language (active while it runs) and may report progress
    between 5 and 50 %; `file_name(document)` names the file in the storage."""
    rows = model.objects.filter(pk=pk)
    stale_before = timezone.now() - STALE_RUNNING
    claimed = rows.filter(
        Q(status=PackStatus.QUEUED) | Q(status=PackStatus.RUNNING, started_at__lt=stale_before)
    ).update(status=PackStatus.RUNNING, started_at=timezone.now(), progress=1, error="")
    document = model.objects.select_related("process__municipality").get(pk=pk)
    if not claimed:
        return document, False
    # Imported here, not with the module: loading WeasyPrint (pango, its stylesheets) takes
    # seconds, and web processes import the callers for their pages without rendering.
    from . import pdf as render

    def progress(percent, stage):
        document_progress(document, percent, stage)

    try:
        with translation.override(document.language):
            progress(5, _("Reading the sources"))
            html = write_html(document, progress)
            progress(55, _("Laying out the pages"))
            content, pages = render.render_pdf(
                html, on_layout=lambda n: progress(85, _("Writing the PDF"))
            )
            progress(95, _("Storing the file"))
        name = store_file(name=file_name(document), content=content)
    except Exception as error:
        logger.exception("%s %s failed", model.__name__, pk)
        rows.update(status=PackStatus.FAILED, error=repr(error)[:2000], finished_at=timezone.now())
        document.refresh_from_db()
        return document, False
    rows.update(
        status=PackStatus.DONE,
        progress=100,
        stage="",
        file_name=name,
        file_size=len(content),
        pages=pages,
        finished_at=timezone.now(),
    )
    document.refresh_from_db()
    return document, True
