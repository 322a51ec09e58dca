import pytest

from tests.conftest import running_phase
from tests.consultations.factories import open_consultation
from visionportal.models import PhaseKind


@pytest.fixture
def consultation(process):
    """An open consultation of a process in its councillors' round (so a round can open)."""
    running_phase(process, PhaseKind.COUNCILLOR_ROUND)
    return open_consultation(process)
