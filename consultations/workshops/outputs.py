"""A workshop's board as XLSX (openpyxl write-only, cells neutralised as in the answer
exports) and as a tagged PDF (visionportal.pdf, the decision pack's pipeline and print
stylesheet). The board is bounded (services.MAX_BOARD_ITEMS), so both are written within
the request."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from visionportal.pdf import render_pdf

from ..exports import ExportTable, to_xlsx
from . import selectors


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


def board_pdf(workshop) -> bytes:
    board = selectors.board_of(workshop)
    municipality = workshop.series.process.municipality
    language = translation.get_language() or municipality.default_language
    html = render_to_string(
        "consultations/workshops/board_pdf.html",
        {
            "workshop": workshop,
            "series": workshop.series,
            "municipality": municipality,
            "board": board,
            "solutions": selectors.prioritised_solutions(workshop),
            "language": language,
            "generated_on": timezone.localdate(),
        },
    )
    pdf, _pages = render_pdf(html)
    return pdf
