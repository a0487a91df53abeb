from __future__ import annotations

import pytest

from .harness import Harness


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest) -> Harness:
    # Modules marked answer_only test what an answer alone means: their clients do not
    # verify (verify_outcome=False), so the server's records are never read.
    answer_only = request.node.get_closest_marker("answer_only") is not None
    return Harness(request.param, answer_only=answer_only)
