""" "You said, we did": the public results page and the process page's summary (issue 14)."""

import pytest
from django.urls import reverse

from consultations.models import Channel
from keywords.councillors import services
from keywords.councillors.services import Acceptance
from keywords.models import KeywordMention
from keywords.tallies import keyword_tallies_recount
from tests.conftest import running_phase
from tests.consultations.factories import open_consultation
from visionportal.models import PhaseKind

from .factories import councillor_of, keyword, respond

pytestmark = pytest.mark.django_db


def mentioned(kw, n, *, kind="keep", channel=Channel.ONLINE):
    for _ in range(n):
        response = respond(kw.consultation, channel=channel, **{kind: kw.label})
        KeywordMention.objects.create(
            keyword=kw, answer=response.answers.first(), surface_form=kw.label
        )
    keyword_tallies_recount(consultation_id=kw.consultation_id, keyword_ids=[kw.pk])
    kw.refresh_from_db()
    return kw


@pytest.fixture
def consultation(process):
    running_phase(process, PhaseKind.COUNCILLOR_ROUND)
    return open_consultation(process)


@pytest.fixture
def published(consultation, staff, norrkoping):
    park = mentioned(keyword(consultation, "Parker"), 3)
    mentioned(keyword(consultation, "Kollektivtrafik"), 2, kind="leave", channel="interview")
    mentioned(keyword(consultation, "Strömmen"), 1, kind="miss")
    councillor = councillor_of(norrkoping, "ledamot@norrkoping.test", party="Exempelpartiet")
    round = services.round_open(consultation=consultation, by=staff)
    services.proposal_strike(round=round, councillor=councillor, keyword=park, reason="Finns redan")
    services.proposal_add(round=round, councillor=councillor, label="Hamnen", reason="Saknas <b>")
    services.round_close(round=round, by=staff)
    return services.keyword_list_publish(
        consultation=consultation,
        round=round,
        accept=Acceptance.of(strikes=[park.pk], additions=["Hamnen"]),
        by=staff,
    )


def _url(consultation, name="results:consultation"):
    process = consultation.process
    return reverse(name, args=[process.municipality.slug, process.slug, consultation.pk])


def test_no_results_page_before_a_list_is_published(client, consultation):
    assert client.get(_url(consultation)).status_code == 404


def test_the_results_page_shows_participation_keywords_decisions_and_next(
    client, consultation, published
):
    client.cookies["django_language"] = "en"
    html = client.get(_url(consultation)).text
    assert "<h1>You said, we did</h1>" in html
    assert "<strong>6</strong> people answered" in html
    assert '<th scope="row">Online</th><td class="numeric">4</td>' in html
    assert '<th scope="row">Interview</th><td class="numeric">2</td>' in html
    # Per question: the published keywords from that question's answers, with counts.
    keep = html.index("What should we take with us")
    leave = html.index("What should we leave behind")
    assert html.index("Kollektivtrafik", leave) > leave
    assert "Parker" not in html[keep:leave]  # struck: not on the published list
    # What the councillors struck and added, with reasons; their text is escaped.
    assert "Finns redan" in html and "(Exempelpartiet)" in html
    assert "Saknas &lt;b&gt;" in html
    assert "added by councillors" in html
    assert "What happens next" in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("sv", "Ni sa, vi gjorde"), ("da", "I sagde, vi gjorde"), ("nb", "Dere sa, vi gjorde")],
)
def test_the_results_page_speaks_each_language(client, consultation, published, language, heading):
    client.cookies["django_language"] = language
    html = client.get(_url(consultation)).text
    assert f'<html lang="{language}"' in html
    assert f"<h1>{heading}</h1>" in html


def test_the_process_page_summarises_and_links_the_results(client, consultation, published):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("public:process", args=["norrkoping", "vision-2035"])).text
    assert "6 people answered." in html
    assert f'href="{_url(consultation)}">See the results</a>' in html


def test_a_closed_consultation_links_to_its_results_instead_of_a_dead_end(
    client, consultation, published
):
    consultation.closes_at = consultation.opens_at.replace(year=consultation.opens_at.year - 1)
    consultation.opens_at = consultation.closes_at.replace(month=1, day=1)
    consultation.save()
    client.cookies["django_language"] = "en"
    html = client.get(_url(consultation, "consultations:form")).text
    assert "no longer accepts answers" in html
    assert f'href="{_url(consultation)}">See the results</a>' in html


def test_the_results_page_reads_a_bounded_number_of_queries(
    client, consultation, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        assert client.get(_url(consultation)).status_code == 200
