import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from visionportal.models import Membership, Municipality, Role, VisionProcess


def test_demo_refuses_to_run_outside_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG only"):
        call_command("load_demo")
    assert not Municipality.objects.exists()


def test_demo_creates_the_seeds_municipalities_with_every_role_and_is_repeatable(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(Municipality.objects.values_list("slug", flat=True)) == {
        "norrkoping",
        "ishoj",
        "norberg",
        "jevnaker",  # seed 002's future workshops (consultations.workshops.demo)
        "ballerup",  # seed 004's participatory budget (consultations.budget.demo)
    }
    norrkoping = VisionProcess.objects.get(municipality__slug="norrkoping", slug="vision-2035")
    assert [str(m.date) for m in norrkoping.milestones.all()][-3:] == [
        "2015-11-16",
        "2015-12-01",
        "2015-12-14",
    ]
    assert norrkoping.phases.count() == 6
    ishoj = VisionProcess.objects.get(municipality__slug="ishoj")
    assert ishoj.tracks.count() == 3
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role)


def _settings_import(env):
    code = "import visionportal.settings"
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": "."}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "maybe", "SECRET_KEY": "x"}, "DEBUG must be true or false"),
        ({"DEBUG": "false"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "x", "CONN_MAX_AGE": "sixty"}, "CONN_MAX_AGE must be an integer"),
        (
            {"SECRET_KEY": "x", "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"},
            "cannot both be true",
        ),
    ],
)
def test_bad_configuration_fails_loudly_at_start(env, message):
    result = _settings_import(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_configuration_imports(tmp_path):
    result = _settings_import(
        {
            "SECRET_KEY": "a" * 50,
            "ALLOWED_HOSTS": "visionportal.example",
            "DATABASE_URL": "postgres://u:p@db:5432/visionportal",
            "REDIS_URL": "redis://redis:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr


def test_a_statement_timeout_is_passed_to_postgresql_and_refused_when_negative():
    code = (
        "import visionportal.settings as s; "
        "print(s.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": ".",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://u:p@db:5432/visionportal",
    }

    def run(**extra):
        return subprocess.run(
            [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True
        )

    assert run(DATABASE_STATEMENT_TIMEOUT="25000").stdout.strip() == "-c statement_timeout=25000"
    assert run().stdout.strip() == ""
    refused = run(DATABASE_STATEMENT_TIMEOUT="-1")
    assert refused.returncode != 0
    assert "DATABASE_STATEMENT_TIMEOUT must not be negative" in refused.stderr
