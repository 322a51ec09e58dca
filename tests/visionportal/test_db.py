"""An idempotent statement runs without Django's health-check round trip, and still
survives a connection PostgreSQL has dropped (visionportal.db)."""

import pytest
from django.db import OperationalError, connection

from tests.conftest import backend_pid, drop_connection, require_service
from visionportal.db import fetch_one_idempotent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql():
    require_service(
        connection.vendor == "postgresql", "health checks and dropped connections need PostgreSQL"
    )


@pytest.fixture
def checks(monkeypatch):
    """The health checks made (DatabaseWrapper.is_usable calls)."""
    made = []
    is_usable = connection.is_usable

    def counted():
        made.append(1)
        return is_usable()

    monkeypatch.setattr(connection, "is_usable", counted)
    return made


def _next_request():
    """What Django does between requests with a kept connection: the next request's
    first query is to be preceded by a health check."""
    connection.ensure_connection()
    connection.close_if_unusable_or_obsolete()
    assert not connection.health_check_done


def test_a_kept_connection_is_not_checked_before_an_idempotent_statement(checks):
    _next_request()
    assert fetch_one_idempotent("SELECT %s + 1", [41]) == (42,)
    assert checks == []
    # Any other first query of a request is checked first, as Django does.
    _next_request()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert checks == [1]


def test_a_connection_postgresql_dropped_is_replaced_and_the_statement_runs_again():
    old = drop_connection()
    _next_request()
    (new,) = fetch_one_idempotent("SELECT pg_backend_pid()", [])
    assert new != old
    assert fetch_one_idempotent("SELECT pg_backend_pid()", []) == (new,)


def test_an_error_on_a_working_connection_is_raised_and_the_statement_not_run_again():
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE test_db_runs")
        cursor.execute("SET statement_timeout = 50")
    try:
        pid = backend_pid()
        _next_request()
        with pytest.raises(OperationalError, match="statement timeout"):
            fetch_one_idempotent("SELECT nextval('test_db_runs'), pg_sleep(1)", [])
        assert backend_pid() == pid
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value FROM test_db_runs")
            assert cursor.fetchone() == (1,)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
            cursor.execute("DROP SEQUENCE test_db_runs")


def test_a_dropped_connection_with_its_check_done_fails_as_any_query_would(checks):
    """No check due (an earlier query of the request made it): nothing is retried."""
    _next_request()
    backend_pid()  # the request's first query, checked
    drop_connection()
    with pytest.raises(OperationalError):
        fetch_one_idempotent("SELECT 1", [])
    assert checks == [1]
    connection.close()
