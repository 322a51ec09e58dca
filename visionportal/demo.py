"""Demo data built from the seeds: Norrköping's Vision 2035 (seed 000) with its real 2015
timeline, Ishøj's realisation of its Vision 2035 (seed 001) with overlapping phases
and three tracks, and Norberg's adopted "Tillsammans för Norberg 2030" (seed 003).
Running it again updates the same rows; it never duplicates.

Later apps extend the demo by adding their own functions to DEMO_EXTENSIONS.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from .models import (
    Country,
    Membership,
    Milestone,
    Municipality,
    Phase,
    PhaseKind,
    Role,
    Track,
    User,
    VisionProcess,
)
from .population import parse_margins
from .services import population_margins_replace

DEMO_PASSWORD = "demo-visionportal-2035"  # noqa: S105 - printed on purpose, demo only
# A fixed TOTP secret for the demo staff accounts, so a demo visitor can sign in with
# `manage.py demo_totp` (or add the secret to an authenticator app).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

DEMO_EXTENSIONS: list = []
# Real public figures (SCB, 31 Dec 2022), kept in the repository: see fixtures/README.md.
NORRKOPING_AGE_MARGINS = Path(__file__).parent / "fixtures" / "population-norrkoping-2022-age.csv"
d = datetime.date


@dataclass(frozen=True)
class DemoAccount:
    email: str
    municipality: str
    role: str
    party: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("admin@norrkoping.demo", "norrkoping", Role.ADMIN),
    DemoAccount("staff@norrkoping.demo", "norrkoping", Role.STAFF),
    DemoAccount("councillor@norrkoping.demo", "norrkoping", Role.COUNCILLOR, "Exempelpartiet"),
    DemoAccount("moderator@norrkoping.demo", "norrkoping", Role.MODERATOR),
    DemoAccount("staff@ishoj.demo", "ishoj", Role.STAFF),
    DemoAccount("councillor@ishoj.demo", "ishoj", Role.COUNCILLOR, "Eksempelpartiet"),
    DemoAccount("staff@norberg.demo", "norberg", Role.STAFF),
    DemoAccount("councillor@norberg.demo", "norberg", Role.COUNCILLOR, "Exempelpartiet"),
]
SUPERUSER_EMAIL = "root@visionportal.demo"


def _process(municipality, slug, **fields):
    process, _ = VisionProcess.objects.update_or_create(
        municipality=municipality, slug=slug, defaults=fields
    )
    return process


def _replace_parts(process, *, phases=(), tracks=(), milestones=()):
    """Demo parts are rewritten whole, so a re-run gives exactly the seed's timeline."""
    process.phases.all().delete()
    process.milestones.all().delete()
    process.tracks.all().delete()
    for position, (kind, name, starts_on, ends_on, description) in enumerate(phases):
        Phase.objects.create(
            process=process,
            kind=kind,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            description=description,
            position=position,
        )
    by_name = {}
    for position, (name, audience, purpose) in enumerate(tracks):
        by_name[name] = Track.objects.create(
            process=process, name=name, audience=audience, purpose=purpose, position=position
        )
    for date, title, description, track in milestones:
        Milestone.objects.create(
            process=process,
            date=date,
            title=title,
            description=description,
            track=by_name.get(track),
        )


def _norrkoping():
    norrkoping, _ = Municipality.objects.update_or_create(
        slug="norrkoping",
        defaults={
            "name": "Norrköping",
            "country": Country.SWEDEN,
            "default_language": "sv",
            "kolada_id": "0581",
            "website": "https://www.norrkoping.se/",
        },
    )
    vision = _process(
        norrkoping,
        "vision-2035",
        title="Vision 2035",
        target_year=2035,
        is_public=True,
        summary=(
            "Ett förslag till ny vision för Norrköping med målåret 2035, förankrat hos "
            "Norrköpingsborna. Visionen ska vara mer konkret, problematiserande och spetsig "
            "än den nuvarande och beslutas i kommunfullmäktige i december 2015 (KS 2015/0363)."
        ),
    )
    _replace_parts(
        vision,
        phases=[
            (
                PhaseKind.PLANNING,
                "Genomförandeplan tas fram och förankras",
                d(2015, 3, 1),
                d(2015, 3, 31),
                "Rekrytering av timanställda studenter.",
            ),
            (
                PhaseKind.CONSULTATION,
                "Fråga kommuninvånarna",
                d(2015, 4, 1),
                d(2015, 6, 30),
                "Tänk dig Norrköping om 20 år: Vad ska vi ta med oss av det som är bra idag? "
                "Vad ska vi lämna av det som inte är bra idag? Vad ska Norrköping vara av det "
                "som du saknar idag? Svaren bearbetas till nyckelord; förtroendevalda ges "
                "möjlighet att stryka och komplettera.",
            ),
            (
                # Seed 000 ends step 1 with "förtroendevalda ges möjlighet att stryka och
                # komplettera" but gives it no dates of its own: here, between the
                # questions (April–June) and the residents' sorting (from August).
                PhaseKind.COUNCILLOR_ROUND,
                "Förtroendevalda stryker och kompletterar",
                d(2015, 7, 1),
                d(2015, 7, 31),
                "Nyckelorden ställs samman och förtroendevalda ges möjlighet att stryka och "
                "komplettera, med motivering.",
            ),
            (
                PhaseKind.SORTING,
                "Kommuninvånarnas bedömningar av nyckelorden",
                d(2015, 8, 1),
                d(2015, 10, 31),
                "Interaktiva utställningar, bibliotek, köpcentra, arbetsplatsträffar och ett "
                "digitalt spel där man sorterar nyckelord.",
            ),
            (
                PhaseKind.DRAFTING,
                "Bearbetning av underlaget och förslag till vision",
                d(2015, 10, 12),
                d(2015, 10, 26),
                "Vad är det som skiljer Norrköping från andra svenska kommuner år 2035?",
            ),
            (PhaseKind.DECISION, "Beredning och beslut", d(2015, 10, 27), d(2015, 12, 14), ""),
        ],
        milestones=[
            (d(2015, 3, 23), "Genomförandeplan för arbetet med ny vision", "KS 2015/0363", None),
            (d(2015, 10, 27), "Handlingar till KS-beredning", "", None),
            (d(2015, 11, 16), "KS Info", "", None),
            (d(2015, 12, 1), "KS Beslut", "", None),
            (d(2015, 12, 14), "Beslut i kommunfullmäktige", "", None),
        ],
    )
    draft = _process(
        norrkoping,
        "vision-2050",
        title="Vision 2050 (arbetsversion)",
        target_year=2050,
        is_public=False,
        summary="Intern planering av nästa visionsarbete. Inte publicerad.",
    )
    _replace_parts(
        draft,
        phases=[(PhaseKind.PLANNING, "Planering", d(2026, 9, 1), d(2027, 3, 31), "")],
    )
    return norrkoping


def _ishoj():
    ishoj, _ = Municipality.objects.update_or_create(
        slug="ishoj",
        defaults={
            "name": "Ishøj",
            "country": Country.DENMARK,
            "default_language": "da",
            "website": "https://www.ishoj.dk/",
        },
    )
    vision = _process(
        ishoj,
        "vision-2035",
        title="Vision 2035 – Fælles om mulighedernes Ishøj",
        target_year=2035,
        is_public=True,
        summary=(
            "Byrådet godkendte den 27. februar 2024 visionen. Byrådet og kommunen kan ikke "
            "alene lykkes med at nå visionen; det kræver, at civilsamfundet og erhvervslivet "
            "er med. Faserne overlapper og fletter sig ind i hinanden."
        ),
    )
    political = "Politisk spor"
    outward = "Udadvendt spor"
    _replace_parts(
        vision,
        phases=[
            (
                PhaseKind.AWARENESS,
                "Fase 1: Kendskab, ejerskab og engagement",
                d(2024, 3, 13),
                d(2027, 12, 31),
                "Formålet er at skabe kendskab, ejerskab og engagement.",
            ),
            (
                PhaseKind.CO_CREATION,
                "Fase 2: Idéudvikling og fælles løsninger",
                d(2024, 5, 29),
                d(2030, 12, 31),
                "Formålet er at idéudvikle og sammen udvikle løsninger.",
            ),
            (
                PhaseKind.REALISATION,
                "Fase 3: Realisering af visionen",
                d(2024, 9, 1),
                d(2035, 12, 31),
                "Formålet er at realisere visionen.",
            ),
        ],
        tracks=[
            (
                political,
                "Byrådets medlemmer",
                "Sikre fortsat politisk forankring og styring i forlængelse af visionen og "
                "understøtte byrådsmedlemmerne i at kommunikere om visionen og dens betydning.",
            ),
            (
                outward,
                "Borgere, virksomheder, råd, foreninger, bestyrelser mv.",
                "Engagere borgere, råd, bestyrelser, foreninger, virksomheder mv. i at udvikle og "
                "realisere ideer og løsninger og evt. etablere partnerskaber.",
            ),
            (
                "Indadvendt spor",
                "Ledere og medarbejdere i Ishøj Kommune",
                "Engagere ledere og medarbejdere i at udvikle og realisere ideer og løsninger.",
            ),
        ],
        milestones=[
            (d(2024, 2, 27), "Byrådet godkender vision 2035", "", political),
            # The partnership with Center for Sundt Liv og Trivsel (19 March 2024) is an
            # initiative, not a milestone: the indicators app's demo records it as one.
            (
                d(2024, 5, 29),
                "Kick off-møde med kommunens råd",
                "Kl. 17.00–19.30. Byrådet præsenterer visionen og pejlemærkerne; workshop.",
                outward,
            ),
            (
                d(2024, 8, 15),
                "Økonomi- og Planudvalget samler op på status",
                "Første gang efter sommerferien 2024 (dato omtrentlig).",
                political,
            ),
        ],
    )
    return ishoj


def _norberg():
    """Seed 003: Norberg's adopted vision "Tillsammans för Norberg 2030". The indicators
    app's demo adds the decision, the strategic areas, goals and key figures."""
    norberg, _ = Municipality.objects.update_or_create(
        slug="norberg",
        defaults={
            "name": "Norberg",
            "country": Country.SWEDEN,
            "default_language": "sv",
            "kolada_id": "1962",
            "website": "https://www.norberg.se/",
        },
    )
    _process(
        norberg,
        "tillsammans-for-norberg-2030",
        title="Tillsammans för Norberg 2030",
        target_year=2030,
        is_public=True,
        summary=(
            "Norberg – en liten kommun med många hjältar i hjärtat av Bergslagen. Antagen av "
            "kommunfullmäktige den 9 december 2019, § 270. Mål och nyckeltal antagna av "
            "kommunstyrelsen den 25 november 2019, § 298."
        ),
    )
    return norberg


def _population_margins(norrkoping):
    """Norrköping's real age margins (SCB, 31 Dec 2022), from the copy in fixtures/."""
    population_margins_replace(
        municipality=norrkoping,
        margins=parse_margins(NORRKOPING_AGE_MARGINS.read_bytes()),
        source="Statistics Sweden (SCB), residents on 31 December 2022",
        year=2022,
    )


def demo_member(email, municipality, role, party=""):
    """A demo login with its membership of `municipality`; admins and staff get the demo's
    two-factor secret. The demo extensions (workshops, budget) add theirs with this too."""
    user = _user(email)
    Membership.objects.update_or_create(
        user=user, municipality=municipality, defaults={"role": role, "party": party}
    )
    if role in (Role.ADMIN, Role.STAFF):
        _demo_totp(user)
    return user


def _accounts(municipalities):
    credentials = []
    for account in DEMO_ACCOUNTS:
        demo_member(
            account.email, municipalities[account.municipality], account.role, account.party
        )
        credentials.append((account.email, account.role, account.municipality))
    root = _user(SUPERUSER_EMAIL, is_superuser=True, is_staff=True)
    _demo_totp(root)
    credentials.append((SUPERUSER_EMAIL, "superuser", "–"))
    return credentials


def _user(email, **flags):
    user = User.objects.filter(email=email).first() or User(email=email)
    for name, value in flags.items():
        setattr(user, name, value)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _demo_totp(user):
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
        RecoveryCodes.activate(user)


@transaction.atomic
def load_demo() -> list[tuple[str, str, str]]:
    municipalities = {"norrkoping": _norrkoping(), "ishoj": _ishoj(), "norberg": _norberg()}
    credentials = _accounts(municipalities)
    _population_margins(municipalities["norrkoping"])
    for extend in DEMO_EXTENSIONS:
        extend(municipalities)
    # Extensions may add municipalities with their own accounts (Jevnaker's workshops,
    # Ballerup's budget): list those too, after the core's, so every demo login is printed.
    listed = {email for email, _role, _municipality in credentials}
    extra = (
        Membership.objects.filter(user__email__endswith=".demo")
        .exclude(user__email__in=listed)
        .select_related("user", "municipality")
        .order_by("municipality__slug", "user__email")
    )
    return (
        credentials[:-1]
        + [(m.user.email, m.role, m.municipality.slug) for m in extra]
        + credentials[-1:]
    )
