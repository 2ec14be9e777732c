import pytest
from hypothesis import settings as hypothesis_settings

# Hypothesis's per-example deadline (200 ms) measures the machine, not the
# code: on a loaded 2-core CI box pure rules tests tripped it. Examples are
# still bounded by max_examples; slowness shows in the benchmarks.
hypothesis_settings.register_profile("kraya", deadline=None)
hypothesis_settings.load_profile("kraya")


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    """The small shared world of tests/factories.py (organisations, roles, sellers)."""
    from tests.factories import make_world

    return make_world()
