import pytest


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    """The small shared world of tests/factories.py (organisations, roles, sellers)."""
    from tests.factories import make_world

    return make_world()
