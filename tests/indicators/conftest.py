import datetime
from decimal import Decimal

import pytest

from indicators import services
from indicators.kolada import DataPoint
from indicators.models import CaseKind, InitiativeNovelty, InitiativeScale, KoladaKpi
from visionportal.models import DecisionBody, DecisionOutcome
from visionportal.proposals.services import decision_record, proposal_save


@pytest.fixture
def adopted(process, staff):
    """Norrköping's Vision 2035 (conftest `process`), adopted by the council."""
    process.municipality.kolada_id = "0581"
    process.municipality.save()
    proposal_save(
        process=process,
        title="Norrköping 2035",
        text="<p>Tänk dig.</p>",
        by=staff,
        expected_version=0,
    )
    decision_record(
        process=process,
        body=DecisionBody.COUNCIL,
        meeting_date=datetime.date(2015, 12, 14),
        outcome=DecisionOutcome.ADOPTED,
        case_number="KS 2015/0363",
        paragraph="215",
        by=staff,
    )
    return process


@pytest.fixture
def kpi(db):
    return KoladaKpi.objects.create(
        id="N15428",
        title="Elever i åk 9 som är behöriga till yrkesprogram, hemkommun, andel (%)",
        is_divided_by_gender=True,
    )


@pytest.fixture
def tree(adopted, kpi, staff):
    """One area, two goals, a Kolada key figure with real Norrköping/Riket values and an
    own measure; an initiative, a council case, a frozen period and an import run."""
    area = services.area_create(process=adopted, title="Att växa upp")
    other_area = services.area_create(process=adopted, title="Att leva")
    goal = services.goal_create(area=area, title="Den bästa skolan", committee="BUN")
    goal2 = services.goal_create(area=other_area, title="God folkhälsa")
    kolada_indicator = services.indicator_create(goal=goal, kpi=kpi, direction="increase")
    own = services.indicator_create(goal=goal, title="Evenemang", direction="increase")
    services.values_store(
        [
            DataPoint("N15428", "0581", 2021, Decimal("80.1"), Decimal("82.0"), Decimal("78.3")),
            DataPoint("N15428", "0581", 2022, Decimal("81.5"), Decimal("83.0"), Decimal("80.0")),
            DataPoint("N15428", "0000", 2022, Decimal("85.7"), None, None),
        ]
    )
    services.own_value_set(indicator=own, period=2023, total=Decimal(12))
    initiative = services.initiative_save(
        process=adopted,
        goals=[goal],
        title="Läxhjälp",
        novelty=InitiativeNovelty.NEW,
        scale=InitiativeScale.SMALL,
    )
    case = services.council_case_record(
        process=adopted,
        kind=CaseKind.BUDGET,
        title="Budget 2025",
        meeting_date=datetime.date(2024, 6, 17),
        effects=[(goal, "supports", "Mer lärare.")],
    )
    period = services.follow_up_freeze(
        process=adopted, kind="annual", title="Årsredovisning 2023", by=staff
    )
    run = adopted.kolada_imports.create()
    return {
        "process": adopted,
        "area": area,
        "other_area": other_area,
        "goal": goal,
        "goal2": goal2,
        "indicator": kolada_indicator,
        "own": own,
        "initiative": initiative,
        "case": case,
        "period": period,
        "run": run,
        "kpi": kpi,
    }
