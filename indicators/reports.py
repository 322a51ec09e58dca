"""Follow-up reports: requesting one (a numbered version with its inputs recorded) and
generating it in Celery through the core (visionportal.documents: HTML -> tagged PDF ->
private storage).

A report reads frozen entries only: a period's, or, for a report of the tree as it stands,
the entries the request froze into the report's inputs. So a report made again, or made
after Kolada revised a value, says what it said when it was requested."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from visionportal.documents import document_create, document_generate
from visionportal.models import VisionProcess

from . import changes, chart, selectors
from .models import FollowUpPeriod, FollowUpReport, SnapshotEntry

CHART_YEARS = 10  # a report's small charts show the last ten years
TABLE_YEARS = 5  # and its tables the last five
ENTRY_FIELDS = (
    "level",
    "object_id",
    "parent_id",
    "position",
    "title",
    "status",
    "computed_status",
    "override_reason",
    "comment",
    "values",
)


def report_request(
    *, process: VisionProcess, by, language: str, period: FollowUpPeriod | None = None
) -> FollowUpReport:
    """A new numbered report of `period` (or of the tree as it stands now); its generation
    is queued once the transaction commits."""
    from .tasks import follow_up_report_generate

    if period is not None and period.process_id != process.pk:
        raise ValueError("The period belongs to another process")
    previous = selectors.previous_period(process, before=period)
    inputs = {
        "period": period.pk if period else None,
        "period_title": period.title if period else "",
        "previous_period": previous.pk if previous else None,
        "previous_title": previous.title if previous else "",
    }
    if period is None:
        inputs["as_of"] = timezone.now().isoformat()
        inputs["entries"] = [
            {name: getattr(entry, name) for name in ENTRY_FIELDS}
            for entry in selectors.current_entries(process)
        ]
    with transaction.atomic():
        report = document_create(
            FollowUpReport,
            process=process,
            period=period,
            language=language,
            inputs=inputs,
            requested_by=by,
        )
        transaction.on_commit(lambda: follow_up_report_generate.delay(report.pk))
    return report


def report_entries(report: FollowUpReport) -> list[SnapshotEntry]:
    if report.period_id is not None:
        return list(selectors.period_entries(report.period))
    return [SnapshotEntry(**row) for row in report.inputs.get("entries", [])]


@dataclass
class IndicatorPart:
    entry: SnapshotEntry
    svg: str
    rows: list  # the last TABLE_YEARS [year, total, women, men]
    has_gender: bool
    changes: list


@dataclass
class GoalPart:
    entry: SnapshotEntry
    changes: list
    indicators: list[IndicatorPart] = field(default_factory=list)


@dataclass
class AreaPart:
    entry: SnapshotEntry
    changes: list
    goals: list[GoalPart] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    title: str
    anchor: str
    template: str
    data: object


def _number(text) -> Decimal | None:
    return None if text is None else Decimal(text)


def _indicator_part(entry: SnapshotEntry, grouped) -> IndicatorPart:
    values = [list(row) + [None] * (4 - len(row)) for row in entry.values]
    has_gender = any(row[2] is not None or row[3] is not None for row in values)
    shown = values[-CHART_YEARS:]
    lines = [chart.Line(_("Total"), [(row[0], _number(row[1])) for row in shown])]
    if has_gender:
        lines += [
            chart.Line(_("Women"), [(row[0], _number(row[2])) for row in shown]),
            chart.Line(_("Men"), [(row[0], _number(row[3])) for row in shown]),
        ]
    alt = _("Chart of “%(title)s”, %(first)s to %(last)s; the table beside it gives the values.")
    svg = ""
    if shown:
        svg = chart.svg(
            lines,
            title=alt % {"title": entry.title, "first": shown[0][0], "last": shown[-1][0]},
            small=True,
        )
    return IndicatorPart(
        entry,
        svg,
        values[-TABLE_YEARS:],
        has_gender,
        grouped.get(("indicator", entry.object_id), []),
    )


def report_parts(entries: list[SnapshotEntry], what_changed) -> list[AreaPart]:
    """The entries (in their frozen order) as areas -> goals -> indicators, each with its
    changes since the previous period."""
    grouped = what_changed.grouped
    areas: list[AreaPart] = []
    for entry in entries:
        key = grouped.get((entry.level, entry.object_id), [])
        if entry.level == "area":
            areas.append(AreaPart(entry, key))
        elif entry.level == "goal" and areas:
            areas[-1].goals.append(GoalPart(entry, key))
        elif entry.level == "indicator" and areas and areas[-1].goals:
            areas[-1].goals[-1].indicators.append(_indicator_part(entry, grouped))
    return areas


def report_sections(report: FollowUpReport, *, on_section=None) -> list[Section]:
    entries = report_entries(report)
    previous = None
    if report.inputs.get("previous_period"):
        previous = FollowUpPeriod.objects.filter(
            pk=report.inputs["previous_period"], process=report.process
        ).first()
    what_changed = selectors.what_changed(entries, previous)
    areas = report_parts(entries, what_changed)
    removed = [c for c in what_changed.changes if c.kind == changes.REMOVED]
    sections = [
        Section(
            _("Overview and what changed"),
            "overview",
            "indicators/report/overview.html",
            {"areas": areas, "what_changed": what_changed, "removed": removed},
        )
    ]
    for index, area in enumerate(areas, start=1):
        sections.append(
            Section(area.entry.title, f"area-{index}", "indicators/report/area.html", area)
        )
        if on_section is not None:
            on_section(index, len(areas))
    return sections


def report_html(report: FollowUpReport, *, on_section=None) -> str:
    """The report as one HTML document in its language."""
    with translation.override(report.language):
        return render_to_string(
            "indicators/report/report.html",
            {
                "report": report,
                "document": report,
                "process": report.process,
                "municipality": report.process.municipality,
                "sections": report_sections(report, on_section=on_section),
                "generated_on": timezone.localdate(),
            },
        )


def _write_html(report: FollowUpReport, progress) -> str:
    def on_section(done, total):
        progress(5 + 45 * done // max(total, 1), _("Writing the sections"))

    return report_html(report, on_section=on_section)


def report_generate(*, report_id: int) -> FollowUpReport:
    """Generate the report's PDF (idempotent: visionportal.documents.document_generate)."""
    report, _made = document_generate(
        FollowUpReport,
        report_id,
        write_html=_write_html,
        file_name=lambda r: f"follow-up/{r.process.pk}/follow-up-report-{r.number}.pdf",
    )
    return report
