"""Writes of the indicators app: the tree, values, statuses, follow-up snapshots,
initiatives and council cases. Views, tasks, the demo and commands call these."""

import csv
import gzip
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from visionportal.models import ProposedInitiative, VisionProcess
from visionportal.selectors import adopted_vision
from visionportal.services import initiative_proposal_accept, version_check, versioned_save

from . import kolada
from .models import (
    Comparison,
    CouncilCase,
    Goal,
    GoalEffect,
    ImportRun,
    Indicator,
    IndicatorKind,
    Initiative,
    InitiativeNovelty,
    InitiativeScale,
    KoladaKpi,
    KoladaValue,
    OwnValue,
    RunStatus,
    SnapshotEntry,
    StatusOverride,
    StrategicArea,
    ValueSource,
)

FIXTURES = Path(__file__).parent / "fixtures" / "kolada"
COUNTRY = "0000"


class TreeError(ValidationError):
    """A change to the tree that breaks a rule; the message is translated, for the form."""


def require_adopted_vision(process: VisionProcess) -> None:
    if adopted_vision(process) is None:
        raise TreeError(
            _("Record the council's decision adopting the vision before you add its goals.")
        )


def _next_position(queryset) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


def _clean_save(instance):
    instance.full_clean()
    instance.save()
    return instance


# --- the tree -------------------------------------------------------------------------
def area_create(*, process: VisionProcess, title: str, description: str = "") -> StrategicArea:
    require_adopted_vision(process)
    return _clean_save(
        StrategicArea(
            process=process,
            title=title,
            description=description,
            position=_next_position(process.strategic_areas.all()),
        )
    )


def goal_create(
    *, area: StrategicArea, title: str, number: int | None = None, committee="", officer=""
) -> Goal:
    process = area.process
    require_adopted_vision(process)
    if number is None:
        number = (process.goals.aggregate(m=Max("number"))["m"] or 0) + 1
    if process.goals.filter(number=number).exists():
        raise TreeError(_("Another goal already has number %(number)s.") % {"number": number})
    return _clean_save(
        Goal(
            process=process,
            area=area,
            number=number,
            title=title,
            committee=committee,
            responsible_officer=officer,
            position=_next_position(area.goals.all()),
        )
    )


def goal_update(*, goal: Goal, expected_version: int, **fields) -> Goal:
    """Edit a goal; moving it to another area of the same process puts it last there."""
    with transaction.atomic():
        current = Goal.objects.select_for_update().get(pk=goal.pk)
        version_check(current, expected_version)
        area = fields.get("area")
        if area is not None and area.pk != current.area_id:
            if area.process_id != current.process_id:
                raise TreeError(_("A goal can only move to an area of the same vision."))
            current.position = _next_position(area.goals.all())
        number = fields.get("number")
        if number is not None and (
            Goal.objects.filter(process_id=current.process_id, number=number)
            .exclude(pk=current.pk)
            .exists()
        ):
            raise TreeError(_("Another goal already has number %(number)s.") % {"number": number})
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean()
        versioned_save(current)
    return current


def area_update(*, area: StrategicArea, expected_version: int, **fields) -> StrategicArea:
    with transaction.atomic():
        current = StrategicArea.objects.select_for_update().get(pk=area.pk)
        version_check(current, expected_version)
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean()
        versioned_save(current)
    return current


def tree_move(*, item: StrategicArea | Goal | Indicator, expected_version: int, up: bool):
    """Swap an area, goal or indicator with its neighbour above or below (reordering).

    Both rows are locked; a stale version (someone moved or edited it meanwhile) is refused."""
    model = type(item)
    parent = {StrategicArea: "process_id", Goal: "area_id", Indicator: "goal_id"}[model]
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=item.pk)
        version_check(current, expected_version)
        siblings = list(
            model.objects.select_for_update()
            .filter(**{parent: getattr(current, parent)})
            .order_by("position", "pk")
        )
        index = next(i for i, s in enumerate(siblings) if s.pk == current.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(siblings):
            return current
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                sibling.position = position
                versioned_save(sibling, update_fields=["position"])
    current.refresh_from_db()
    return current


def indicator_create(
    *,
    goal: Goal,
    direction: str,
    kpi: KoladaKpi | None = None,
    title: str = "",
    unit: str = "",
    is_divided_by_gender: bool | None = None,
    target_value: Decimal | None = None,
    target_year: int | None = None,
    compare_country: bool = True,
) -> Indicator:
    """A Kolada key figure (title and gender split from the catalogue unless given) or,
    without `kpi`, an own measure."""
    if kpi is None and not title.strip():
        raise TreeError(_("An own measure needs a title."))
    return _clean_save(
        Indicator(
            goal=goal,
            kind=IndicatorKind.KOLADA if kpi else IndicatorKind.OWN,
            kpi=kpi,
            title=(title or (kpi.title if kpi else "")).strip()[:400],
            unit=unit,
            is_divided_by_gender=(
                is_divided_by_gender
                if is_divided_by_gender is not None
                else bool(kpi and kpi.is_divided_by_gender)
            ),
            direction=direction,
            target_value=target_value,
            target_year=target_year,
            compare_country=compare_country,
            position=_next_position(goal.indicators.all()),
        )
    )


def indicator_update(*, indicator: Indicator, expected_version: int, **fields) -> Indicator:
    with transaction.atomic():
        current = Indicator.objects.select_for_update().get(pk=indicator.pk)
        version_check(current, expected_version)
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean()
        versioned_save(current)
    return current


def comparison_add(*, indicator: Indicator, kind: str, kolada_id: str, title: str) -> Comparison:
    comparison, _created = Comparison.objects.update_or_create(
        indicator=indicator, kolada_id=kolada_id, defaults={"kind": kind, "title": title}
    )
    return comparison


def status_override(*, indicator: Indicator, status: str, reason: str, by) -> StatusOverride:
    """Staff's judgement over the computed status; an empty status returns to the computed
    one. The reason is required either way: it is on record."""
    reason = reason.strip()
    if not reason:
        raise TreeError(_("Write why you change the status."))
    return _clean_save(StatusOverride(indicator=indicator, status=status, reason=reason, by=by))


def own_value_set(
    *,
    indicator: Indicator,
    period: int,
    total: Decimal | None,
    women: Decimal | None = None,
    men: Decimal | None = None,
    source: str = ValueSource.STAFF,
    by=None,
) -> OwnValue:
    if indicator.kind != IndicatorKind.OWN:
        raise TreeError(_("Values of a Kolada key figure come from Kolada."))
    value, _created = OwnValue.objects.update_or_create(
        indicator=indicator,
        period=period,
        defaults={"total": total, "women": women, "men": men, "source": source, "entered_by": by},
    )
    return value


def own_values_store(*, indicator: Indicator, values: dict, by) -> int:
    """All of the given {year: (total, women, men)} or none (one transaction)."""
    if indicator.kind != IndicatorKind.OWN:
        raise TreeError(_("Values of a Kolada key figure come from Kolada."))
    with transaction.atomic():
        for period, (total, women, men) in values.items():
            own_value_set(
                indicator=indicator,
                period=period,
                total=total,
                women=women,
                men=men,
                source=ValueSource.IMPORT,
                by=by,
            )
    return len(values)


def own_values_import(*, indicator: Indicator, data: bytes, by) -> int:
    """All of a CSV or XLSX file's values or none (own_values.parse raises with every
    problem)."""
    from .own_values import parse

    if indicator.kind != IndicatorKind.OWN:
        raise TreeError(_("Values of a Kolada key figure come from Kolada."))
    return own_values_store(indicator=indicator, values=parse(data), by=by)


# --- the Kolada catalogue and values ----------------------------------------------------
def catalogue_rows_offline() -> Iterable[dict]:
    with gzip.open(FIXTURES / "kpi_catalogue_v3.csv.gz", "rt", encoding="utf-8") as stream:
        yield from csv.DictReader(stream)


@transaction.atomic
def catalogue_store(metas: Iterable[kolada.KpiMeta], *, complete: bool) -> int:
    """Insert or update key figures. With `complete` (the whole catalogue was read), a
    key figure we hold that is no longer in it is marked retired, never deleted."""
    now = timezone.now()
    metas = list(metas)
    seen = []
    existing = KoladaKpi.objects.in_bulk([meta.id for meta in metas])
    new, changed = [], []
    fields = [
        "title",
        "description",
        "is_divided_by_gender",
        "municipality_type",
        "operating_area",
        "publ_period",
    ]
    for meta in metas:
        seen.append(meta.id)
        values = {f: getattr(meta, f) for f in fields}
        kpi = existing.get(meta.id)
        if kpi is None:
            new.append(KoladaKpi(id=meta.id, seen_at=now, **values))
        else:
            for name, value in values.items():
                setattr(kpi, name, value)
            kpi.seen_at, kpi.retired_at = now, None
            changed.append(kpi)
    KoladaKpi.objects.bulk_create(new, batch_size=1000)
    KoladaKpi.objects.bulk_update(changed, [*fields, "seen_at", "retired_at"], batch_size=1000)
    if complete:
        KoladaKpi.objects.exclude(id__in=seen).filter(retired_at__isnull=True).update(
            retired_at=now
        )
    return len(seen)


def catalogue_load_offline() -> int:
    """The recorded v3 catalogue (fixtures/kolada): what staff search without the API."""
    return catalogue_store(
        (kolada.kpi_meta_from(row) for row in catalogue_rows_offline()), complete=False
    )


def places_rows_offline() -> list[tuple[str, str, str]]:
    """(id, title, kind) of the recorded municipalities, regions and groups."""
    with (FIXTURES / "municipality_v3.csv").open(encoding="utf-8") as stream:
        rows = [(r["id"], r["title"], r["type"]) for r in csv.DictReader(stream)]
    groups = {
        g["id"]: g["title"]
        for g in json.loads((FIXTURES / "municipality_groups_excerpt.json").read_text("utf-8"))
    }
    with (FIXTURES / "municipality_group_G176199_v3.csv").open(encoding="utf-8") as stream:
        groups |= {r["id"]: r["title"] for r in csv.DictReader(stream)}
    return rows + [(gid, title, "G") for gid, title in sorted(groups.items())]


def places_store(rows: Iterable[tuple[str, str, str]], *, model=None) -> int:
    """Insert or update municipalities, regions and groups; never deletes one (a
    comparison may still name it). `model` lets the data migration pass its own."""
    from .models import KoladaPlace

    model = model or KoladaPlace
    places = [model(id=i, title=t[:300], kind=k[:1]) for i, t, k in rows]
    model.objects.bulk_create(
        places,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["title", "kind"],
    )
    return len(places)


def kpi_retired_placeholder(kpi_id: str, title: str) -> KoladaKpi:
    """A key figure a municipality follows that the catalogue no longer has (seed 003's
    N02904): kept, flagged retired, so its history stays followable."""
    kpi, _created = KoladaKpi.objects.get_or_create(
        id=kpi_id, defaults={"title": title[:400], "retired_at": timezone.now()}
    )
    return kpi


def kpi_map_successor(*, kpi: KoladaKpi, successor: KoladaKpi, move_indicators: bool) -> int:
    """Record that `successor` replaces a retired key figure; with `move_indicators`, the
    indicators that followed the old one follow the successor from now on. The old
    values stay (they remain shown as the earlier series)."""
    if successor.pk == kpi.pk:
        raise TreeError(_("A key figure cannot succeed itself."))
    with transaction.atomic():
        kpi.successor = successor
        kpi.save(update_fields=["successor"])
        moved = 0
        if move_indicators:
            for indicator in Indicator.objects.select_for_update().filter(kpi=kpi):
                indicator.kpi = successor
                versioned_save(indicator, update_fields=["kpi"])
                moved += 1
    return moved


def values_store(points: Iterable[kolada.DataPoint]) -> int:
    """Insert or update Kolada values in place. Never deletes: a value Kolada no longer
    sends stays as we fetched it."""
    now = timezone.now()
    rows = [
        KoladaValue(
            kpi_id=p.kpi,
            municipality=p.municipality,
            period=p.period,
            total=p.total,
            women=p.women,
            men=p.men,
            status=p.status,
            fetched_at=now,
        )
        for p in points
    ]
    KoladaValue.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["kpi", "municipality", "period"],
        update_fields=["total", "women", "men", "status", "fetched_at"],
    )
    return len(rows)


def values_load_recorded(path: Path = FIXTURES / "values_norberg_norrkoping_riket.csv") -> int:
    """The recorded real values (fixtures/kolada) for the demo: no internet at load."""
    merged: dict[tuple[str, str, int], dict[str, Decimal | None]] = {}
    with path.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            key = (row["kpi"], row["municipality"], int(row["year"]))
            value = Decimal(row["value"]) if row["value"] else None
            merged.setdefault(key, {})[row["gender"]] = value
    for kpi_id, _m, _y in merged:
        KoladaKpi.objects.get_or_create(id=kpi_id, defaults={"title": kpi_id})
    return values_store(
        kolada.DataPoint(kpi, m, y, g.get("T"), g.get("K"), g.get("M"))
        for (kpi, m, y), g in merged.items()
    )


@dataclass(frozen=True)
class ImportPlan:
    kpis: list[str]
    municipalities: list[str]
    years: list[int]


def import_plan(process: VisionProcess, *, years: int, this_year: int) -> ImportPlan:
    indicators = Indicator.objects.filter(goal__process=process, kind=IndicatorKind.KOLADA)
    kpis = sorted(set(indicators.values_list("kpi_id", flat=True)))
    municipalities = {process.municipality.kolada_id} - {""}
    if indicators.filter(compare_country=True).exists():
        municipalities.add(COUNTRY)
    municipalities |= set(
        Comparison.objects.filter(indicator__in=indicators).values_list("kolada_id", flat=True)
    )
    return ImportPlan(kpis, sorted(municipalities), list(range(this_year - years, this_year)))


def import_run_start(*, process: VisionProcess) -> ImportRun:
    """One queued or running import per process at a time: a second click shows the first."""
    from .tasks import run_import  # tasks import services; enqueue lazily

    with transaction.atomic():
        VisionProcess.objects.select_for_update().get(pk=process.pk)
        running = process.kolada_imports.filter(
            status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        ).first()
        if running:
            return running
        run = ImportRun.objects.create(process=process)
        transaction.on_commit(lambda: run_import.delay(run.pk))
    return run


def import_run_execute(
    run: ImportRun, *, client_factory: Callable[[], kolada.KoladaClient] = kolada.KoladaClient
) -> ImportRun:
    """Fetch metadata and values of every key figure the process follows, a few at a time,
    counting progress on the run. A failure marks the run failed and keeps every value
    stored so far and before (nothing is deleted)."""
    if run.is_finished:
        return run
    process = run.process
    plan = import_plan(process, years=settings.KOLADA_YEARS, this_year=timezone.localdate().year)
    ImportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, total=len(plan.kpis), processed=0, started_at=timezone.now()
    )
    stored = retired = 0
    try:
        with client_factory() as client:
            known = client.kpis(plan.kpis)
            gone = [k for k in plan.kpis if k not in known]
            if gone:
                retired = KoladaKpi.objects.filter(id__in=gone, retired_at__isnull=True).update(
                    retired_at=timezone.now()
                )
            catalogue_store(known.values(), complete=False)
            step = 5
            for start in range(0, len(plan.kpis), step):
                chunk = [k for k in plan.kpis[start : start + step] if k in known]
                if chunk:
                    stored += values_store(
                        client.values(
                            kpis=chunk, municipalities=plan.municipalities, years=plan.years
                        )
                    )
                ImportRun.objects.filter(pk=run.pk).update(
                    processed=min(start + step, len(plan.kpis)), values_stored=stored
                )
    except kolada.KoladaError as error:
        ImportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
            values_stored=stored,
            retired_found=retired,
        )
    else:
        ImportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            finished_at=timezone.now(),
            values_stored=stored,
            retired_found=retired,
        )
    run.refresh_from_db()
    return run


# --- follow-up snapshots ----------------------------------------------------------------
def follow_up_freeze(*, process: VisionProcess, kind: str, title: str, by):
    """Freeze every area's, goal's and indicator's status, values and comment as they are
    now. The period's entries are only ever inserted here."""
    from .models import FollowUpPeriod
    from .selectors import current_entries

    title = title.strip()
    if not title:
        raise TreeError(_("Give the follow-up a title, for example “Annual report 2024”."))
    entries = current_entries(process)
    with transaction.atomic():
        period = _clean_save(FollowUpPeriod(process=process, kind=kind, title=title, frozen_by=by))
        for entry in entries:
            entry.period = period
        SnapshotEntry.objects.bulk_create(entries)
    return period


# --- initiatives and council cases -------------------------------------------------------
def initiative_save(
    *,
    process: VisionProcess,
    goals=(),
    instance: Initiative | None = None,
    expected_version: int | None = None,
    **fields,
) -> Initiative:
    track = fields.get("track")
    if track is not None and track.process_id != process.pk:
        raise TreeError(_("The owning track must belong to this process."))
    if any(goal.process_id != process.pk for goal in goals):
        raise TreeError(_("Linked goals must belong to this vision."))
    with transaction.atomic():
        if instance is None:
            initiative = _clean_save(Initiative(process=process, **fields))
        else:
            initiative = Initiative.objects.select_for_update().get(pk=instance.pk)
            version_check(initiative, expected_version)
            for name, value in fields.items():
                setattr(initiative, name, value)
            initiative.full_clean()
            versioned_save(initiative)
        initiative.goals.set(goals)
    return initiative


def proposed_initiative_accept(*, proposal: ProposedInitiative, by) -> Initiative:
    """Accept a proposed initiative (a workshop's solution, a budget's project): a new
    initiative of the proposal's process, prefilled (title, description with where it came
    from, new, small) and not yet public, so staff complete it before residents see it.
    Made once: the core locks the proposal and refuses one decided already."""
    made = []

    def create(current: ProposedInitiative) -> int:
        description = current.description
        source = _("Proposed from: %(source)s") % {"source": current.source_label}
        description = f"{description}\n\n{source}" if description else source
        initiative = _clean_save(
            Initiative(
                process_id=current.process_id,
                title=current.title,
                description=description[:5000],
                novelty=InitiativeNovelty.NEW,
                scale=InitiativeScale.SMALL,
                is_public=False,
            )
        )
        made.append(initiative)
        return initiative.pk

    initiative_proposal_accept(proposal=proposal, by=by, create_initiative=create)
    return made[0]


def council_case_record(
    *,
    process: VisionProcess,
    kind: str,
    title: str,
    meeting_date,
    reference: str = "",
    effects: Iterable[tuple[Goal, str, str]] = (),
) -> CouncilCase:
    """A council agenda item or budget decision with how it relates to each goal it
    touches (supports / neutral / departs from, and a text saying how)."""
    effects = list(effects)
    for goal, _effect, text in effects:
        if goal.process_id != process.pk:
            raise TreeError(_("Linked goals must belong to this vision."))
        if not text.strip():
            raise TreeError(
                _("Say how the case relates to goal %(number)s.") % {"number": goal.number}
            )
    with transaction.atomic():
        case = _clean_save(
            CouncilCase(
                process=process,
                kind=kind,
                title=title,
                meeting_date=meeting_date,
                reference=reference,
            )
        )
        for goal, effect, text in effects:
            _clean_save(GoalEffect(case=case, goal=goal, effect=effect, text=text.strip()))
    return case
