"""A workshop's board as XLSX (openpyxl write-only, cells neutralised as in the answer
exports; the board is bounded by services.MAX_BOARD_ITEMS, so it is written within the
request) and as a numbered, tagged PDF generated in Celery through the core
(visionportal.documents: the decision pack's pipeline and print stylesheet), which the page
polls for progress."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from visionportal.documents import document_create, document_generate
from visionportal.models import PackStatus

from ..exports import ExportTable, to_xlsx
from . import selectors
from .models import BoardDocument, Workshop


def _rows(board):
    for need in board.needs:
        yield [_("Need"), need.item.text, "", need.item.table, need.item.dots, ""]
        for measure in need.children:
            yield [
                _("Measure"),
                measure.item.text,
                need.item.text,
                measure.item.table,
                measure.item.dots,
                "",
            ]
            for solution in measure.children:
                yield [
                    _("Solution"),
                    solution.item.text,
                    measure.item.text,
                    solution.item.table,
                    solution.item.dots,
                    _("yes") if solution.item.for_decision_pack else "",
                ]


def board_xlsx(workshop) -> bytes:
    board = selectors.board_of(workshop)
    headers = [
        _("Kind"),
        _("Text"),
        _("Linked to"),
        _("Table"),
        _("Dots"),
        _("Marked for the decision pack"),
    ]
    return to_xlsx(ExportTable(headers=headers, rows=_rows(board)), title=_("Board"))


def board_html(document: BoardDocument) -> str:
    """The board as one HTML document in the document's language (active while the core
    renders it), as it stands when the worker reads it."""
    workshop = document.workshop
    return render_to_string(
        "consultations/workshops/board_pdf.html",
        {
            "workshop": workshop,
            "series": workshop.series,
            "municipality": document.process.municipality,
            "board": selectors.board_of(workshop),
            "solutions": selectors.prioritised_solutions(workshop),
            "language": document.language,
            "document": document,
            "generated_on": timezone.localdate(),
        },
    )


def board_pdf_request(*, workshop: Workshop, by, language: str) -> tuple[BoardDocument, bool]:
    """A numbered board PDF of `workshop`, generated in Celery once the transaction commits:
    (document, created). While one is still waiting or being made, pressing again returns
    that one instead of queueing another."""
    from ..tasks import workshop_board_pdf_generate

    with transaction.atomic():
        pending = (
            BoardDocument.objects.filter(
                workshop=workshop,
                language=language,
                status__in=(PackStatus.QUEUED, PackStatus.RUNNING),
            )
            .order_by("-number")
            .first()
        )
        if pending is not None:
            return pending, False
        board = selectors.board_of(workshop)
        document = document_create(
            BoardDocument,
            process=workshop.series.process,
            numbered_within={"workshop": workshop},
            workshop=workshop,
            language=language,
            inputs={"last_change": board.last_change, "cards": board.count},
            requested_by=by,
        )
        transaction.on_commit(lambda: workshop_board_pdf_generate.delay(document.pk))
    return document, True


def board_pdf_generate(*, document_id: int) -> BoardDocument:
    """Render and store the PDF (idempotent: visionportal.documents.document_generate)."""

    def write_html(document, progress):
        progress(20, _("Reading the board"))
        return board_html(document)

    document, _made = document_generate(
        BoardDocument,
        document_id,
        write_html=write_html,
        file_name=lambda d: f"workshops/{d.workshop_id}/board-{d.number}.pdf",
    )
    return document
