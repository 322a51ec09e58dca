"""The Kolada client against a local stub serving recorded real-format data."""

from decimal import Decimal

import pytest

from indicators.kolada import KoladaClient, KoladaError, batches

from .kolada_stub import CATALOGUE, KoladaStub


@pytest.fixture
def stub():
    with KoladaStub() as server:
        yield server


def client_for(stub, **kwargs):
    sleeps = []
    options = {"retries": 2, "backoff": 0.5, "min_interval": 0, "timeout": 2}
    options.update(kwargs)
    client = KoladaClient(base_url=stub.url, sleep=sleeps.append, **options)
    return client, sleeps


def test_batches_hold_at_most_25_unique_ids():
    ids = [f"N{n:05d}" for n in range(60)] + ["N00000"]
    assert [len(b) for b in batches(ids)] == [25, 25, 10]


def test_values_carry_total_women_and_men_and_nulls(stub):
    client, _ = client_for(stub)
    points = client.values(kpis=["N15428"], municipalities=["1962"], years=[2022, 2006])
    by_year = {p.period: p for p in points}
    assert by_year[2022].total == Decimal("78.26086957")
    assert by_year[2006].women == Decimal("89.47368421")
    assert by_year[2006].men == Decimal("90.0")
    # N00401 Riket 2006 is recorded as null: a row with no value, not a zero.
    [riket] = client.values(kpis=["N00401"], municipalities=["0000"], years=[2006])
    assert riket.total is None


def test_paging_follows_next_links_until_the_last_page(stub):
    stub.per_page_cap = 7
    client, _ = client_for(stub, per_page=7)
    points = client.values(
        kpis=["N15428"], municipalities=["1962", "0581", "0000"], years=range(2010, 2020)
    )
    assert len(points) == 30
    assert len(stub.requests) == 5  # 30 rows in pages of 7


def test_a_kpi_year_is_fetched_once(stub):
    client, _ = client_for(stub)
    client.values(kpis=["N15428"], municipalities=["1962"], years=[2020, 2021])
    before = len(stub.requests)
    again = client.values(kpis=["N15428"], municipalities=["1962"], years=[2020, 2021])
    assert len(stub.requests) == before and len(again) == 2
    client.values(kpis=["N15428"], municipalities=["1962"], years=[2020, 2021, 2022])
    assert stub.requests[-1].endswith("/year/2022?per_page=5000")


def test_more_than_25_ids_are_split_into_requests(stub):
    client, _ = client_for(stub)
    ids = sorted(CATALOGUE)[:60]
    found = client.kpis(ids)
    assert len(found) == 60
    assert len(stub.requests) == 3


def test_a_retired_kpi_is_absent_from_the_metadata(stub):
    client, _ = client_for(stub)
    found = client.kpis(["N15428", "N02904", "N00914"])
    assert set(found) == {"N15428"}
    assert found["N15428"].is_divided_by_gender is True


def test_transient_errors_are_retried_with_backoff(stub):
    stub.fail_next = [503, 429]
    client, sleeps = client_for(stub)
    assert len(client.values(kpis=["N15428"], municipalities=["1962"], years=[2022])) == 1
    assert sleeps == [0.5, 1.0]


def test_errors_after_the_retries_raise(stub):
    stub.fail_next = [500, 500, 500]
    client, sleeps = client_for(stub)
    with pytest.raises(KoladaError, match="after 3 tries"):
        client.kpis(["N15428"])
    assert sleeps == [0.5, 1.0]


def test_a_client_error_is_not_retried(stub):
    stub.fail_next = [400]
    client, sleeps = client_for(stub)
    with pytest.raises(KoladaError, match="400"):
        client.kpis(["N15428"])
    assert sleeps == []


def test_a_timeout_is_retried_then_raises(stub):
    stub.delay = 0.5
    client, sleeps = client_for(stub, timeout=0.1, retries=1)
    with pytest.raises(KoladaError, match="Timeout"):
        client.kpis(["N15428"])
    assert sleeps == [0.5]


def test_requests_are_spaced_by_the_rate_limit(stub):
    client, sleeps = client_for(stub, min_interval=60)
    client.kpis(["N15428"])
    client.kpis(["N17461"])
    assert len(sleeps) == 1 and 59 < sleeps[0] <= 60


def test_municipalities_and_groups(stub):
    client, _ = client_for(stub)
    municipalities = {m["id"]: m for m in client.municipalities()}
    assert municipalities["1962"]["title"] == "Norberg" and len(municipalities) == 312
    groups = {g["id"]: g for g in client.municipality_groups()}
    assert groups["G114418"]["members"][0] == {"id": "0682", "title": "Nässjö"}


def test_the_whole_catalogue_pages(stub):
    client, _ = client_for(stub)
    assert len(list(client.catalogue())) == 6099


def test_a_next_link_to_another_host_is_refused(stub, monkeypatch):
    client, _ = client_for(stub)
    monkeypatch.setattr(
        stub, "answer", lambda path: (200, {"values": [], "next_url": "http://evil.test/x"})
    )
    with pytest.raises(KoladaError, match="next link"):
        client.municipalities()
