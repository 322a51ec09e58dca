"""What a decision pack says, section by section, read from the sources its `inputs` name.

SECTIONS is the pack's table of contents: each Section has an anchor, a translated title,
the template that prints it, and a function giving that template its data (None leaves the
section out). A new section is one more entry here and one more template in
templates/keywords/pack/; the sorting game's ranking is one, left out when the pack has no
result snapshot.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from consultations.models import Channel, Consultation
from consultations.representation.selectors import representation_sections
from consultations.workshops.selectors import solutions_for_decision_pack
from visionportal.models import (
    DecisionPack,
    Milestone,
    ProposalVersion,
    VisionDecision,
    VisionProposal,
)

from ..models import CouncillorProposal, Keyword, KeywordList, KeywordStatus
from ..sorting.result_models import SortResultSnapshot
from . import ranking, sources

KEYWORDS_PER_QUESTION = 15
QUOTES_PER_KEYWORD = 2
# The appendix lists every keyword; a consultation without a published list lists its kept
# and candidate keywords with at least this many respondents, at most APPENDIX_MAX.
APPENDIX_MAX = 2000
PROPOSALS_MAX = 1000


@dataclass
class PackSource:
    """The pack's sources, resolved once from its inputs and shared by the sections."""

    pack: DecisionPack
    consultations: list[Consultation]
    keyword_lists: dict[int, KeywordList | None]
    proposal_version: ProposalVersion | None
    gaps_note: str
    result_snapshot: SortResultSnapshot | None = None


@dataclass(frozen=True)
class Section:
    anchor: str
    title: object  # a lazy translation: evaluated in the pack's language
    template: str
    data: Callable[[PackSource], dict | None]


def pack_inputs(process, *, gaps_note: str = "") -> dict:
    """What a pack made now is made from: each consultation's latest published keyword list
    version (None: none published), the proposal's latest version, the staff's note."""
    lists = {}
    for consultation in Consultation.objects.filter(process=process).order_by("pk"):
        latest = (
            KeywordList.objects.filter(consultation=consultation)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        lists[str(consultation.pk)] = latest
    proposal = VisionProposal.objects.filter(process=process).first()
    return {
        "keyword_lists": lists,
        "proposal_version": proposal.version if proposal else None,
        "gaps_note": gaps_note,
    }


def resolve_sources(pack: DecisionPack) -> PackSource:
    inputs = pack.inputs or {}
    consultations = sources.process_consultations(pack.process)
    keyword_lists = {}
    for consultation in consultations:
        version = (inputs.get("keyword_lists") or {}).get(str(consultation.pk))
        keyword_lists[consultation.pk] = (
            KeywordList.objects.filter(consultation=consultation, version=version)
            .select_related("source_round")
            .first()
            if version
            else None
        )
    proposal_version = None
    if inputs.get("proposal_version"):
        proposal_version = ProposalVersion.objects.filter(
            proposal__process=pack.process, number=inputs["proposal_version"]
        ).first()
    return PackSource(
        pack=pack,
        consultations=consultations,
        keyword_lists=keyword_lists,
        proposal_version=proposal_version,
        gaps_note=inputs.get("gaps_note") or "",
        result_snapshot=(
            SortResultSnapshot.objects.select_related("round").get(pk=pack.result_snapshot_id)
            if pack.result_snapshot_id
            else None
        ),
    )


def _summary(source: PackSource) -> dict:
    totals = [sources.respondent_totals(c) for c in source.consultations]
    listed = sum(
        keyword_list.items.count()
        for keyword_list in source.keyword_lists.values()
        if keyword_list is not None
    )
    return {
        "consultation_count": len(source.consultations),
        "responses": sum(t["responses"] for t in totals),
        "answers": sum(t["answers"] for t in totals),
        "listed_keywords": listed,
        "proposal_version": source.proposal_version,
        "ranking": _ranking_totals(source),
    }


def _ranking_totals(source: PackSource) -> dict | None:
    if not ranking.usable(source.result_snapshot):
        return None
    snapshot = source.result_snapshot
    return {"round": snapshot.round, "totals": snapshot.data["totals"]}


def _ranking(source: PackSource) -> dict | None:
    return ranking.ranking_summary(
        source.result_snapshot, top=ranking.PACK_TOP, chart_id="pack-ranking-chart"
    )


def _ranking_groups(source: PackSource) -> dict | None:
    return ranking.ranking_by_group(source.result_snapshot)


def _how_asked(source: PackSource) -> dict:
    rows = []
    for consultation in source.consultations:
        totals = sources.respondent_totals(consultation)
        channels = [
            (label, totals["by_channel"][value])
            for value, label in Channel.choices
            if totals["by_channel"].get(value)
        ]
        rows.append(
            {
                "consultation": consultation,
                "questions": list(consultation.questions.all()),
                "totals": totals,
                "channels": channels,
            }
        )
    return {"consultations": rows}


def _who_answered(source: PackSource) -> dict:
    municipality = source.pack.process.municipality
    return {
        "consultations": [
            {
                "consultation": consultation,
                "sections": representation_sections(
                    consultation,
                    municipality=municipality,
                    # One PDF holds every consultation's charts: ids must not repeat.
                    chart_prefix=f"c{consultation.pk}-",
                ),
            }
            for consultation in source.consultations
        ],
        "gaps_note": source.gaps_note,
    }


def _keywords(source: PackSource) -> dict:
    return {
        "consultations": [
            {
                "consultation": consultation,
                "keyword_list": source.keyword_lists[consultation.pk],
                "questions": sources.top_keywords_per_question(
                    consultation,
                    keyword_list=source.keyword_lists[consultation.pk],
                    limit=KEYWORDS_PER_QUESTION,
                    quotes_per_keyword=QUOTES_PER_KEYWORD,
                ),
            }
            for consultation in source.consultations
        ]
    }


def _councillors(source: PackSource) -> dict | None:
    rounds = []
    for consultation in source.consultations:
        keyword_list = source.keyword_lists[consultation.pk]
        if keyword_list is None or keyword_list.source_round is None:
            continue
        accepted = set(keyword_list.accepted_proposals.values_list("pk", flat=True))
        proposals = list(
            CouncillorProposal.objects.filter(
                round=keyword_list.source_round, withdrawn_at__isnull=True
            )
            .select_related("councillor", "keyword")
            .order_by("kind", "party", "created_at", "pk")[:PROPOSALS_MAX]
        )
        rounds.append(
            {
                "consultation": consultation,
                "round": keyword_list.source_round,
                "proposals": [(p, p.pk in accepted) for p in proposals],
            }
        )
    return {"rounds": rounds}


def _proposal(source: PackSource) -> dict:
    return {"version": source.proposal_version}


def _timeline(source: PackSource) -> dict:
    process = source.pack.process
    return {
        "phases": list(process.phases.all()),
        "milestones": list(
            Milestone.objects.filter(process=process).select_related("decision", "track")
        ),
        "decisions": list(
            VisionDecision.objects.filter(process=process)
            .select_related("adopted_version", "process__municipality")
            .order_by("meeting_date", "pk")
        ),
    }


def _appendix(source: PackSource) -> dict:
    rows = []
    for consultation in source.consultations:
        keyword_list = source.keyword_lists[consultation.pk]
        if keyword_list is not None:
            items = list(
                keyword_list.items.select_related("keyword").order_by("position", "pk")[
                    :APPENDIX_MAX
                ]
            )
            keywords = [
                {
                    "label": item.label,
                    "respondents": item.respondents,
                    "keep": item.keyword.respondents_keep if item.keyword else None,
                    "leave": item.keyword.respondents_leave if item.keyword else None,
                    "miss": item.keyword.respondents_miss if item.keyword else None,
                    "origin": item.get_origin_display(),
                }
                for item in items
            ]
        else:
            keywords = [
                {
                    "label": k.label,
                    "respondents": k.respondents,
                    "keep": k.respondents_keep,
                    "leave": k.respondents_leave,
                    "miss": k.respondents_miss,
                    "origin": k.get_status_display(),
                }
                for k in Keyword.objects.filter(
                    consultation=consultation,
                    status__in=[KeywordStatus.KEPT, KeywordStatus.CANDIDATE],
                    respondents__gt=0,
                ).order_by("-respondents", "label")[:APPENDIX_MAX]
            ]
        rows.append(
            {"consultation": consultation, "keyword_list": keyword_list, "keywords": keywords}
        )
    return {"consultations": rows}


def _workshops(source: PackSource) -> dict | None:
    """Solutions prioritised in future workshops (seed 002) and marked by staff for the
    councillors; left out when none are."""
    solutions = solutions_for_decision_pack(source.pack.process)
    return {"solutions": solutions} if solutions else None


SECTIONS: list[Section] = [
    Section("summary", _("Summary"), "keywords/pack/summary.html", _summary),
    Section("how-asked", _("How residents were asked"), "keywords/pack/how_asked.html", _how_asked),
    Section(
        "who-answered",
        _("Who answered, against the population"),
        "keywords/pack/who_answered.html",
        _who_answered,
    ),
    Section("keywords", _("Keywords per question"), "keywords/pack/keywords.html", _keywords),
    Section("ranking", _("How residents prioritised"), "keywords/pack/ranking.html", _ranking),
    Section(
        "ranking-groups",
        _("How groups of residents prioritised"),
        "keywords/pack/ranking_groups.html",
        _ranking_groups,
    ),
    Section(
        "councillors",
        _("The councillors' strikes and additions"),
        "keywords/pack/councillors.html",
        _councillors,
    ),
    Section(
        "workshops",
        _("Solutions from the future workshops"),
        "keywords/pack/workshops.html",
        _workshops,
    ),
    Section("proposal", _("The vision proposal"), "keywords/pack/proposal.html", _proposal),
    Section(
        "timeline", _("The timeline to the decision"), "keywords/pack/timeline.html", _timeline
    ),
    Section("appendix", _("Appendix: every keyword"), "keywords/pack/appendix.html", _appendix),
]


def pack_sections(source: PackSource, *, sections=None, on_section=None) -> list[dict]:
    """Each section's anchor, title, template and data, in order; a section whose data is
    None is left out. `on_section(index, total)` reports progress."""
    sections = SECTIONS if sections is None else sections
    built = []
    for index, section in enumerate(sections):
        data = section.data(source)
        if on_section is not None:
            on_section(index + 1, len(sections))
        if data is None:
            continue
        built.append(
            {
                "anchor": section.anchor,
                "title": str(section.title),
                "template": section.template,
                "data": data,
            }
        )
    return built
