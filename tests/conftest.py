from __future__ import annotations

import pytest

from .harness import Harness

# pytester drives the consumer-facing pytest plugin (tests/testing/test_pytest_plugin.py).
pytest_plugins = ["pytester"]


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest) -> Harness:
    return Harness(request.param)
