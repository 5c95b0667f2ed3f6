"""The fake TWS (fake_tws.py) for the IBKR feed's tests; importable as ``fake_tws``."""


import pytest
from fake_tws import FakeTws


@pytest.fixture
def tws():
    pytest.importorskip("ib_async")
    server = FakeTws(known={"SPX": 1, "VIX": 2, "VVIX": 3, "VX 20261216": 4, "SPXW 20261218 5800 P": 5,
                            "VIX 20261216 25 C": 6}).start()
    yield server
    server.stop()
