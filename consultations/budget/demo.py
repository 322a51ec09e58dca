"""Ballerup's "Borgermillionen" (seed 004) in the demo: 1 MDKK for four districts, the
seed's phases on its 2013 timeline (so the results are public), proposals, assessments,
ballots and both rules' results, then the winners' statuses and the celebration post."""

import datetime
import io
import random
import uuid

from visionportal.demo import demo_member
from visionportal.models import (
    Country,
    Municipality,
    Phase,
    PhaseKind,
    Role,
    VisionProcess,
)

from . import selectors, services
from .models import (
    Assessment,
    Ballot,
    BallotChoice,
    BudgetProposal,
    Decision,
    ParticipatoryBudget,
    Place,
)

d = datetime.date

PHASES = [
    (PhaseKind.BUDGET_CLARIFICATION, "Afklaring", d(2013, 3, 14), d(2013, 4, 23)),
    (PhaseKind.BUDGET_INVESTIGATION, "Undersøgelse", d(2013, 4, 24), d(2013, 5, 5)),
    (PhaseKind.BUDGET_PROPOSALS, "Borgerinddragelse", d(2013, 5, 6), d(2013, 5, 26)),
    (PhaseKind.BUDGET_ASSESSMENT, "Bearbejdning", d(2013, 5, 27), d(2013, 6, 9)),
    (PhaseKind.BUDGET_VOTE, "Beslutning", d(2013, 6, 10), d(2013, 6, 28)),
    (PhaseKind.BUDGET_BUILD, "Anlæg", d(2013, 8, 15), d(2013, 10, 31)),
    (PhaseKind.BUDGET_CELEBRATE, "Fejring", d(2013, 11, 1), d(2013, 11, 15)),
    (PhaseKind.BUDGET_EVALUATE, "Evaluering & beslutning", d(2013, 11, 16), d(2013, 12, 20)),
]

DISTRICTS = [
    ("Skovlunde", 250_000),
    ("Måløv", 250_000),
    ("Ballerup Nord", 250_000),
    ("Ballerup Syd", 250_000),
]

# (district, place, title, cost, decision, public reason)
PROPOSALS = [
    ("Skovlunde", "Skovlunde Bypark", "Bænke og blomster i byparken", 60_000, "feasible", ""),
    ("Skovlunde", "Skovlunde Bypark", "Legeplads for de mindste", 150_000, "feasible", ""),
    ("Skovlunde", "Skovlunde Torv", "Lys på torvet om vinteren", 90_000, "feasible", ""),
    (
        "Skovlunde",
        "Skovlunde Torv",
        "Springvand på torvet",
        400_000,
        "rejected",
        "Et springvand koster mere end bydelens andel i anlæg og drift.",
    ),
    ("Måløv", "Måløv Sø", "Sti rundt om søen", 180_000, "feasible", ""),
    ("Måløv", "Måløv Sø", "Fugletårn ved søen", 70_000, "feasible", ""),
    ("Måløv", "Måløv Station", "Cykelstativer med tag", 40_000, "feasible", ""),
    ("Ballerup Nord", "Hedegården", "Fælleshave ved Hedegården", 80_000, "feasible", ""),
    ("Ballerup Nord", "Hedegården", "Udendørs fitness", 120_000, "feasible", ""),
    ("Ballerup Nord", "Hedegården", "Grill og bålplads", 50_000, "feasible", ""),
    ("Ballerup Syd", "Ballerup Bytorv", "Kunst i byrummet", 130_000, "feasible", ""),
    ("Ballerup Syd", "Ballerup Bytorv", "Plantekasser langs gågaden", 60_000, "feasible", ""),
    ("Ballerup Syd", "Ballerup Bytorv", "Skaterbane ved stationen", 240_000, "feasible", ""),
]

CRITERIA = (
    "Projektet forskønner et sted i kommunen, som alle kan bruge.\n"
    "Det kan anlægges i efteråret 2013 inden for bydelens andel.\n"
    "Det kræver ikke varig drift ud over det, kommunen allerede har."
)


STAFF_EMAIL = "staff@ballerup.demo"


def _staff(ballerup):
    """A staff login for Ballerup, so the demo shows the budget's staff side (setup,
    assessment, voting codes, paper ballots, counting) and not only the residents'."""
    return demo_member(STAFF_EMAIL, ballerup, Role.STAFF)


def extend_demo(municipalities):
    ballerup, _ = Municipality.objects.update_or_create(
        slug="ballerup",
        defaults={
            "name": "Ballerup",
            "country": Country.DENMARK,
            "default_language": "da",
            "website": "https://www.ballerup.dk/",
        },
    )
    municipalities["ballerup"] = ballerup
    _staff(ballerup)
    process, _ = VisionProcess.objects.update_or_create(
        municipality=ballerup,
        slug="borgermillionen",
        defaults={
            "title": "Borgermillionen",
            "is_public": True,
            "summary": (
                "1 million kroner til forskønnelse af kommunen fordeles direkte af borgerne "
                "i kommunens fire bydele."
            ),
        },
    )
    # Rewritten whole, so a re-run gives exactly the seed's budget.
    process.phases.all().delete()
    for position, (kind, name, starts_on, ends_on) in enumerate(PHASES):
        Phase.objects.create(
            process=process,
            kind=kind,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            position=position,
        )
    old = ParticipatoryBudget.objects.filter(process=process)
    # Proposals first: a district protects its proposals from a stray delete.
    Assessment.objects.filter(proposal__budget__in=old).delete()
    BudgetProposal.objects.filter(budget__in=old).delete()
    old.delete()
    budget = services.budget_create(
        process=process,
        title="Borgermillionen",
        amount=1_000_000,
        currency="DKK",
        criteria=CRITERIA,
        districts=DISTRICTS,
    )
    districts = {d.name: d for d in budget.districts.all()}
    places = {}
    by_district = {}
    for number, (district, place, title, cost, decision, reason) in enumerate(PROPOSALS):
        if (district, place) not in places:
            places[(district, place)] = Place.objects.create(
                district=districts[district], name=place
            )
        # Made as in the proposals phase (2013): the services' phase gate is for live use.
        proposal = BudgetProposal.objects.create(
            budget=budget,
            district=districts[district],
            place=places[(district, place)],
            title=title,
            description=title + ".",
            estimated_cost=cost,
            idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo:ballerup:proposal:{number}"),
        )
        services.proposal_assess(
            proposal=proposal,
            by=None,
            version=proposal.version,
            legally_feasible=decision == Decision.FEASIBLE,
            economically_feasible=decision == Decision.FEASIBLE,
            cost_estimate=cost,
            decision=decision,
            public_reason=reason,
        )
        if decision == Decision.FEASIBLE:
            by_district.setdefault(district, []).append(proposal)
    # Ballots: a fixed seed, so the demo's results are the same on every run.
    rng = random.Random(4)  # noqa: S311 - demo data, not security
    for district, proposals in by_district.items():
        share = districts[district].share
        for _voter in range(120):
            chosen, spent = [], 0
            for proposal in rng.sample(proposals, len(proposals)):
                cost = proposal.estimated_cost
                if spent + cost <= share and rng.random() < 0.6:
                    chosen.append(proposal)
                    spent += cost
            if chosen:
                ballot = Ballot.objects.create(district=districts[district])
                BallotChoice.objects.bulk_create(
                    [BallotChoice(ballot=ballot, proposal=p) for p in chosen]
                )
    services.budget_results_compute(budget=budget)
    _afterwards(budget)


# The seed's build phase: every winner planted or built by the end of October 2013.
PROGRESS_NOTES = [
    ("built", d(2013, 10, 25), "Anlagt og taget i brug."),
    ("built", d(2013, 10, 30), "Færdig; indvies ved fejringen."),
    ("in_progress", d(2013, 10, 31), "Leverancen er forsinket; forventes klar i november."),
]

CELEBRATION_TEXT = (
    "Tak til alle, der foreslog, stemte og hjalp til. Borgermillionen er blevet til "
    "legepladser, bænke, blomster og kunst i alle fire bydele.\n"
    "Kom til fejring i Ballerup Bytorv lørdag den 9. november kl. 11, hvor vi klipper "
    "snoren til projekterne."
)


def _celebration_picture() -> bytes:
    """A drawn picture (sky, lawn, a bench and a flag) for the demo's celebration post:
    generated here, so the demo downloads nothing. The same bytes on every run, so the
    content-addressed file is stored once."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 600), (158, 205, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 960, 600), fill=(92, 160, 72))
    draw.ellipse((760, 50, 880, 170), fill=(250, 214, 80))
    draw.rectangle((300, 330, 620, 350), fill=(120, 78, 40))  # seat
    draw.rectangle((300, 290, 620, 305), fill=(120, 78, 40))  # back
    for x in (320, 590):
        draw.rectangle((x, 350, x + 12, 410), fill=(70, 50, 30))
    draw.rectangle((700, 200, 708, 420), fill=(90, 90, 90))  # flagpole
    draw.rectangle((708, 200, 800, 260), fill=(200, 16, 46))  # Dannebrog
    draw.rectangle((740, 200, 752, 260), fill=(255, 255, 255))
    draw.rectangle((708, 224, 800, 236), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _afterwards(budget):
    """Statuses on the winners and a published celebration post with a photo."""
    for number, proposal in enumerate(selectors.winning_projects(budget)):
        status, on, note = PROGRESS_NOTES[number % len(PROGRESS_NOTES)]
        services.progress_set(
            proposal=proposal, by=None, version=0, status=status, note=note, status_on=on
        )
    photo = services.image_prepare(
        _celebration_picture(),
        "Tegning: en ny bænk på en græsplæne, med flaget hejst ved siden af",
        field="photo",
        alt_field="alt",
    )
    services.celebration_save(
        budget=budget,
        by=None,
        version=0,
        title="Borgermillionen er blevet til virkelighed",
        text=CELEBRATION_TEXT,
        published=True,
        photos=[photo],
    )
