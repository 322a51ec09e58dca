"""The indicators demo: Norberg's "Tillsammans för Norberg 2030" (seed 003) with its 6
strategic areas, 10 goals and their key figures, and Ishøj's flagship initiative (seed 001).

Values are only the real recorded Kolada values in fixtures/kolada (Norberg 1962,
Norrköping 0581, Riket 0000); a key figure without a recording shows "no data", never an
invented series. Kolada ids: KOLADA.md's table, else the v3 catalogue entry whose title is
the seed's wording; key figures the catalogue has no entry for are own measures (no values).
The desired directions are the demo's reading of each key figure (the seed names none).
The demo never calls the internet.
"""

import datetime

from visionportal.models import (
    DecisionBody,
    DecisionOutcome,
    Track,
    User,
    VisionProcess,
)
from visionportal.proposals.services import decision_record, proposal_save
from visionportal.selectors import adopted_vision

from . import services
from .models import (
    CaseKind,
    Indicator,
    InitiativeNovelty,
    InitiativeScale,
    InitiativeStatus,
    KoladaKpi,
)

UP, DOWN, KEEP = "increase", "decrease", "keep"
COMMITTEE = "Kommunstyrelsen"
OFFICER = "Kommunledningskontoret"  # seed 003: responsible for the central key figures

VISION_TEXT = (
    "<p>Norbergs vision är: den växande kommunen som är tillgänglig, trygg och utvecklande "
    "för alla. Mångfald är den självklara drivkraften för tillväxt och hållbar utveckling.</p>"
    "<p>Vi har skilda behov och önskemål, vi kommer från olika håll i landet och världen men "
    "i Norberg har vi också något gemensamt, därför heter programmet <em>Tillsammans för "
    "Norberg 2030</em>.</p>"
)

# (area, its description, [(goal number, goal, [(kolada id or None, title, direction)])])
TREE = [
    (
        "Norberg – att växa upp i",
        "Lusten att lära är grunden för all utveckling, det är vad skolan har att stimulera.",
        [
            (
                1,
                "Vi har den bästa skolan för varje barn och ungdom.",
                [
                    ("N15428", "", UP),
                    (
                        None,
                        "Elever i åk 9: Jag känner mig trygg i skolan, positiva svar, andel (%)",
                        UP,
                    ),
                    ("N17461", "", UP),
                    ("N15030", "", UP),
                    (None, "Heltidstjänster med förskollärarlegitimation, andel (%)", UP),
                ],
            ),
            (
                2,
                "Vi har en god folkhälsa.",
                [
                    ("N02904", "Invånare 0-19 år i ekonomiskt utsatta hushåll, andel (%)", DOWN),
                    (
                        None,
                        "Vuxna biståndsmottagare med långvarigt ekonomiskt "
                        "bistånd, andel (%) av befolkningen",
                        DOWN,
                    ),
                    ("U01803", "", DOWN),
                    (
                        None,
                        "Långtidssjukskrivna med psykiska sjukdomar och "
                        "syndrom samt beteendestörningar, andel (%)",
                        DOWN,
                    ),
                    ("N00925", "", UP),
                    ("N00923", "", UP),
                    (None, "Recept, kommun/landsting, antal/1000 invånare", DOWN),
                    ("N00957", "", DOWN),
                ],
            ),
            (
                3,
                "Vi har attraktiva och hälsosamma boendemiljöer för alla invånare.",
                [
                    (None, "Trångboddhet i flerbostadshus enligt norm 1, andel (%)", DOWN),
                    ("N07923", "", UP),
                    (None, "Nöjd Region-Index – Bostäder, skala 0–100", UP),
                ],
            ),
        ],
    ),
    (
        "Norberg – att leva och verka i",
        "Alla som lever och verkar i Norberg skall känna att de är en viktig del av vår kommun.",
        [
            (
                4,
                "Allas förmågor tas tillvara, det finns goda och lika möjligheter till "
                "livslångt och livsvitt lärande för alla åldrar.",
                [
                    (None, "Invånare 25-64 år med eftergymnasial utbildning, andel (%)", UP),
                    ("N09701", "", UP),
                ],
            ),
            (
                5,
                "Invånarna är delaktiga i samhällsutvecklingen och kan påverka den egna "
                "livssituationen.",
                [
                    ("N00914", "", UP),
                    ("N00209", "", UP),
                    ("N00952", "", UP),
                    (None, "Öppen arbetslöshet, 25-65 år, andel (%) av befolkningen", DOWN),
                    ("N02797", "", DOWN),
                    ("U01413", "", DOWN),
                    ("N05401", "", UP),
                    ("U01420", "", DOWN),
                    (None, "Anmälda våldsbrott, antal/100 000 invånare", DOWN),
                ],
            ),
        ],
    ),
    (
        "Arbete och föreningsliv i Norberg",
        "Delaktighet och medverkan ger livet mening, det stärker hälsan och allas välbefinnande.",
        [
            (
                6,
                "Invånare och besökare erbjuds aktiviteter och upplevelser för alla åldrar "
                "och kön.",
                [
                    (None, "Befolkningsutveckling (KIR), in- och utflyttningar", UP),
                    ("N09808", "", UP),
                    ("N09807", "", UP),
                    (None, "Barnbokslån i kommunala bibliotek, antal/barn 0-17 år", UP),
                    ("N09805", "", UP),
                    (
                        None,
                        "Elever som deltar i musik- eller kulturskola som "
                        "andel av invånare 7-15 år (%)",
                        UP,
                    ),
                    ("U09800", "", UP),
                    (None, "Besöksstatistik för besöksmål", UP),
                    (None, "Evenemang i Norbergs kommun", UP),
                ],
            ),
            (
                7,
                "Vi har ett klimat som gynnar entreprenörer.",
                [
                    (None, "Företagsklimat enl. ÖJ (Insikt) – Totalt, NKI", UP),
                    (None, "Antalet nyregistrerade företag", UP),
                    (
                        None,
                        "Det är lätt att komma i kontakt med kommunen enligt "
                        "företagare (Svenskt Näringslivs ranking)",
                        UP,
                    ),
                    (
                        None,
                        "Kommunens tillämpning av lagar och regler enligt "
                        "företagare (Svenskt Näringslivs mätning)",
                        UP,
                    ),
                    ("N07900", "", UP),
                ],
            ),
        ],
    ),
    (
        "Miljö och klimat, hållbarhet och tillgänglighet i Norberg",
        "En hållbar tillväxt för alla är en strävan efter ständig förbättring av "
        "livskvaliteten för alla.",
        [
            (
                8,
                "Vi har social, miljömässig och ekonomisk hållbarhet i fokus.",
                [
                    (None, "Vattentäkter med vattenskyddsområde, andel (%)", UP),
                    ("N85051", "", UP),
                    ("N85052", "", UP),
                    ("N45930", "", UP),
                    ("U60495", "", DOWN),
                    ("N45905", "", DOWN),
                    ("N85047", "", DOWN),
                    ("N00401", "", DOWN),
                    (None, "Miljöbilar i kommunorganisationen, andel (%)", UP),
                    (
                        None,
                        "Miljöbilar, andel av totalt antal bilar i det geografiska området (%)",
                        UP,
                    ),
                    ("N60404", "", UP),
                    (None, "Kollektivtrafik förnybara drivmedel buss, andel (%)", UP),
                    (None, "Ekologiska livsmedel i kommunens verksamhet, andel (%)", UP),
                    ("N85054", "", UP),
                ],
            ),
        ],
    ),
    (
        "Att bli äldre i Norberg",
        "Att bli äldre i Norberg är att kunna åldras i trygghet och med bibehållet oberoende.",
        [
            (
                9,
                "I Norberg är det lätt att bli äldre, här finns det goda livet med vård och "
                "omsorg som omfattar alla.",
                [
                    ("N01960", "", KEEP),
                    ("N01813", "", KEEP),
                    (
                        None,
                        "Fallskador bland personer 65+, 3-årsmedel, antal/100 000 invånare",
                        DOWN,
                    ),
                    (None, "Invånare med insatser enl. LSS, andel (%)", KEEP),
                    ("N28801", "", KEEP),
                ],
            ),
        ],
    ),
    (
        "Nytänkande Norberg",
        "I Norberg är vi nytänkande och finner nya eller bättre lösningar som skapar värde för "
        "samhälle, företag och individer.",
        [
            (
                10,
                "Norbergs kommun är en attraktiv arbetsgivare med medarbetare som har mod, är "
                "delaktiga samt stolta.",
                [
                    (None, "Antal medarbetare", KEEP),
                    (None, "Antal årsmedarbetare", KEEP),
                    (None, "Andel kvinnor/män bland medarbetarna", KEEP),
                    (None, "Medelålder bland medarbetarna", KEEP),
                    (None, "Heltider/deltider", UP),
                    (None, "Personalrörlighet", DOWN),
                    (None, "Frisktal/sjukfrånvaro anställda totalt, (%)", DOWN),
                    (None, "Anmälda arbetsskador respektive tillbud", DOWN),
                ],
            ),
        ],
    ),
]

# Key figures seed 003 follows that Kolada's v3 catalogue no longer has (KOLADA.md).
RETIRED = {
    "N02904": "Invånare 0-19 år i ekonomiskt utsatta hushåll, andel (%)",
}


def _unit(title: str) -> str:
    tail = title.rsplit(",", 1)[-1].strip() if "," in title else ""
    if "(%)" in title:
        return "%"
    return tail[:60] if tail and len(tail) < 30 else ""


def _norberg(municipality):
    process = VisionProcess.objects.get(
        municipality=municipality, slug="tillsammans-for-norberg-2030"
    )
    staff = User.objects.filter(email="staff@norberg.demo").first()
    if adopted_vision(process) is None:
        proposal_save(
            process=process,
            title="Tillsammans för Norberg 2030",
            text=VISION_TEXT,
            by=staff,
            expected_version=0,
        )
        decision_record(
            process=process,
            body=DecisionBody.COUNCIL,
            meeting_date=datetime.date(2019, 12, 9),
            outcome=DecisionOutcome.ADOPTED,
            paragraph="270",
            notes="Mål och nyckeltal antagna av kommunstyrelsen den 25 november 2019, § 298.",
            by=staff,
        )
    if process.strategic_areas.exists():
        return  # the tree is built once; staff edits to it survive a re-run
    if not KoladaKpi.objects.filter(id="N15428").exists():
        services.catalogue_load_offline()
    for kpi_id, title in RETIRED.items():
        services.kpi_retired_placeholder(kpi_id, title)
    # N00914 is in the recordings (values to 2021) but not in the v3 catalogue.
    services.kpi_retired_placeholder("N00914", "Förvärvsarbetande invånare 20-64 år, andel (%)")
    services.values_load_recorded()
    for area_title, description, goals in TREE:
        area = services.area_create(process=process, title=area_title, description=description)
        for number, goal_title, figures in goals:
            goal = services.goal_create(
                area=area, title=goal_title, number=number, committee=COMMITTEE, officer=OFFICER
            )
            for kpi_id, title, direction in figures:
                kpi = KoladaKpi.objects.get(id=kpi_id) if kpi_id else None
                name = title or kpi.title
                indicator = services.indicator_create(
                    goal=goal,
                    kpi=kpi,
                    title=name,
                    unit=_unit(name),
                    direction=direction,
                )
                if kpi_id:
                    services.comparison_add(
                        indicator=indicator, kind="peer", kolada_id="0581", title="Norrköping"
                    )
    # One target, as the seed's "riktning mot målen" invites: at least the country's level.
    eligible = Indicator.objects.filter(goal__process=process, kpi_id="N15428").first()
    if eligible:
        services.indicator_update(
            indicator=eligible,
            expected_version=eligible.version,
            target_value=85,
            target_year=2030,
            comment="Målvärdet 85 % är demons exempel på ett målvärde.",
        )


ISHOJ_TEXT = (
    "<p>Den 27. februar 2024 godkendte byrådet en vision 2035 med overskriften "
    "\u201cFælles om mulighedernes Ishøj\u201d. Med vedtagelsen af visionen sætter Ishøj Byråd "
    "en overordnet retning for udviklingen af Ishøj som kommune og lokalsamfund.</p>"
)


def _ishoj(municipality):
    process = VisionProcess.objects.get(municipality=municipality, slug="vision-2035")
    if adopted_vision(process) is None:
        # Seed 001 quotes the decision, not the vision's full text: the record holds what
        # the seed says.
        staff = User.objects.filter(email="staff@ishoj.demo").first()
        proposal_save(
            process=process,
            title="Vision 2035 – Fælles om mulighedernes Ishøj",
            text=ISHOJ_TEXT,
            by=staff,
            expected_version=0,
        )
        decision_record(
            process=process,
            body=DecisionBody.COUNCIL,
            meeting_date=datetime.date(2024, 2, 27),
            outcome=DecisionOutcome.ADOPTED,
            by=staff,
        )
    if process.initiatives.exists():
        return
    services.initiative_save(
        process=process,
        title="Partnerskab med Center for Sundt Liv og Trivsel",
        description=(
            "Et eksempel på et nyt initiativ i forlængelse af visionen og et eksempel på et "
            "flagskib, med en høj grad af inddragelse og samskabelse."
        ),
        novelty=InitiativeNovelty.NEW,
        scale=InitiativeScale.FLAGSHIP,
        track=Track.objects.filter(process=process, name="Politisk spor").first(),
        status=InitiativeStatus.PLANNED,
        partners="Center for Sundt Liv og Trivsel",
    )
    services.council_case_record(
        process=process,
        kind=CaseKind.AGENDA_ITEM,
        title="Byrådet tager stilling til partnerskab med Center for Sundt Liv og Trivsel",
        meeting_date=datetime.date(2024, 3, 19),
    )


def extend_demo(municipalities):
    if "norberg" in municipalities:
        _norberg(municipalities["norberg"])
    if "ishoj" in municipalities:
        _ishoj(municipalities["ishoj"])
