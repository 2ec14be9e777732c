import pytest


@pytest.fixture
def market(world):
    """The buying market of tests/buying/market.py on top of the shared world."""
    from tests.buying.market import make_market

    return make_market(world)
