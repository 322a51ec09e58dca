"""The Kolada v3 client: the only code in the app that does HTTP.

Kolada (https://api.kolada.se/v3) pages every list (`next_url`, older servers `next_page`),
accepts at most 25 comma-separated ids per path segment and answers slowly at times. This
client batches ids, follows pages, retries transient failures with exponential backoff,
spaces its requests (a polite rate limit), and remembers which key figure × municipality ×
year it already asked for, so one import never fetches the same year twice.

It knows nothing of the database: it returns plain dataclasses, and services store them.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)

MAX_IDS = 25  # Kolada refuses longer comma-separated lists.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class KoladaError(Exception):
    """Kolada could not be reached or answered with an error after the retries."""


@dataclass(frozen=True)
class KpiMeta:
    id: str
    title: str
    description: str
    is_divided_by_gender: bool
    municipality_type: str
    operating_area: str
    publ_period: str


@dataclass(frozen=True)
class DataPoint:
    """One key figure's value for one municipality (or group) and year, by gender."""

    kpi: str
    municipality: str
    period: int
    total: Decimal | None
    women: Decimal | None
    men: Decimal | None
    status: str = ""


def batches(ids: Iterable[str], size: int = MAX_IDS) -> Iterator[list[str]]:
    ids = list(dict.fromkeys(ids))  # unique, in order
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _bool(value) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def kpi_meta_from(row: dict) -> KpiMeta:
    return KpiMeta(
        id=str(row["id"]),
        title=str(row.get("title") or "")[:400],
        description=str(row.get("description") or ""),
        is_divided_by_gender=_bool(row.get("is_divided_by_gender")),
        municipality_type=str(row.get("municipality_type") or "")[:2],
        operating_area=str(row.get("operating_area") or "")[:300],
        publ_period=str(row.get("publ_period") or "")[:20],
    )


def data_points_from(row: dict) -> DataPoint:
    by_gender = {v.get("gender"): v for v in row.get("values") or []}
    statuses = [v.get("status") for v in by_gender.values() if v.get("status")]
    return DataPoint(
        kpi=str(row["kpi"]),
        municipality=str(row["municipality"]),
        period=int(row["period"]),
        total=_decimal(by_gender.get("T", {}).get("value")),
        women=_decimal(by_gender.get("K", {}).get("value")),
        men=_decimal(by_gender.get("M", {}).get("value")),
        status=(statuses[0] if statuses else "")[:30],
    )


class KoladaClient:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        min_interval: float | None = None,
        per_page: int = 5000,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url = (base_url or settings.KOLADA_BASE_URL).rstrip("/")
        self.retries = settings.KOLADA_RETRIES if retries is None else retries
        self.backoff = settings.KOLADA_BACKOFF if backoff is None else backoff
        self.min_interval = settings.KOLADA_MIN_INTERVAL if min_interval is None else min_interval
        self.per_page = per_page
        self._sleep = sleep
        self._last_request = 0.0
        self._lock = threading.Lock()
        self._http = httpx.Client(
            timeout=httpx.Timeout(settings.KOLADA_TIMEOUT if timeout is None else timeout),
            headers={"Accept": "application/json", "User-Agent": "Visionportal (indicators)"},
            transport=transport,
            follow_redirects=False,
        )
        # (kpi, municipality, year) -> DataPoint | None: asked for already in this client.
        self._values: dict[tuple[str, str, int], DataPoint | None] = {}
        self.requests_made = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- transport -------------------------------------------------------------------
    def _polite_wait(self) -> None:
        with self._lock:
            wait = self._last_request + self.min_interval - time.monotonic()
            if wait > 0:
                self._sleep(wait)
            self._last_request = time.monotonic()

    def _get_json(self, url: str, params: dict | None = None) -> dict:
        attempt = 0
        while True:
            self._polite_wait()
            self.requests_made += 1
            try:
                response = self._http.get(url, params=params)
            except httpx.TransportError as error:  # timeouts, refused connections, resets
                failure = f"{type(error).__name__}: {error}"
            else:
                if response.status_code == 200:
                    try:
                        return response.json()
                    except ValueError as error:
                        raise KoladaError(f"Kolada sent invalid JSON from {url}") from error
                if response.status_code not in RETRY_STATUSES:
                    raise KoladaError(f"Kolada answered {response.status_code} for {url}")
                failure = f"HTTP {response.status_code}"
            if attempt >= self.retries:
                raise KoladaError(f"Kolada failed after {attempt + 1} tries: {failure}")
            delay = self.backoff * (2**attempt)
            logger.warning("Kolada %s (%s); retrying in %.2f s", url, failure, delay)
            self._sleep(delay)
            attempt += 1

    def _pages(self, path: str, params: dict | None = None) -> Iterator[dict]:
        """Every item of a paged list, following next links until there are none."""
        url = f"{self.base_url}{path}"
        params = {**(params or {}), "per_page": self.per_page}
        seen = set()
        while url:
            envelope = self._get_json(url, params)
            yield from envelope.get("values") or []
            next_url = envelope.get("next_url") or envelope.get("next_page")
            if not next_url or next_url in seen:
                break
            seen.add(next_url)
            # Only ever follow links to Kolada itself: a next link is data we received.
            if not next_url.startswith(self.base_url):
                raise KoladaError(f"Kolada's next link leaves {self.base_url}")
            url, params = next_url, None

    # --- the API ---------------------------------------------------------------------
    def catalogue(self) -> Iterator[KpiMeta]:
        for row in self._pages("/kpi"):
            yield kpi_meta_from(row)

    def kpis(self, ids: Iterable[str]) -> dict[str, KpiMeta]:
        """Metadata of the key figures that exist; an id Kolada no longer knows is absent."""
        found = {}
        for batch in batches(ids):
            for row in self._pages(f"/kpi/{','.join(batch)}"):
                meta = kpi_meta_from(row)
                found[meta.id] = meta
        return found

    def municipalities(self) -> list[dict]:
        return [
            {"id": str(r["id"]), "title": str(r["title"]), "type": str(r.get("type", ""))}
            for r in self._pages("/municipality")
        ]

    def municipality_groups(self) -> list[dict]:
        return [
            {
                "id": str(r["id"]),
                "title": str(r["title"]),
                "members": [
                    {"id": str(m["member_id"]), "title": str(m["member_title"])}
                    for m in r.get("members") or []
                ],
            }
            for r in self._pages("/municipality_groups")
        ]

    def values(
        self, *, kpis: Iterable[str], municipalities: Iterable[str], years: Iterable[int]
    ) -> list[DataPoint]:
        """Values of every key figure × municipality × year asked for that Kolada has.

        Combinations this client asked for before are answered from its memory, and only
        the missing years are requested (years are batched like ids)."""
        kpis, municipalities = list(dict.fromkeys(kpis)), list(dict.fromkeys(municipalities))
        years = sorted(set(years))
        for kpi in kpis:
            for m_batch in batches(municipalities):
                missing = [
                    y for y in years if any((kpi, m, y) not in self._values for m in m_batch)
                ]
                for y_batch in batches([str(y) for y in missing]):
                    path = (
                        f"/data/kpi/{kpi}/municipality/{','.join(m_batch)}/year/{','.join(y_batch)}"
                    )
                    fetched = {}
                    for row in self._pages(path):
                        point = data_points_from(row)
                        fetched[(point.kpi, point.municipality, point.period)] = point
                    for m in m_batch:
                        for y in y_batch:
                            self._values[(kpi, m, int(y))] = fetched.get((kpi, m, int(y)))
        return [
            point
            for kpi in kpis
            for m in municipalities
            for y in years
            if (point := self._values.get((kpi, m, y))) is not None
        ]
