import pytest

from tests.consultations.factories import open_consultation


@pytest.fixture
def consultation(process):
    return open_consultation(process)
