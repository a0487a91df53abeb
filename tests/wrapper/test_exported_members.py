"""__all__ says exactly what the package offers, and importing it stays lean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import tradovate_liquidate
import tradovate_liquidate.testing
from tradovate_liquidate import _exceptions

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"


def test_all_is_honest() -> None:
    exported = set(tradovate_liquidate.__all__)
    public = {name for name in dir(tradovate_liquidate) if not name.startswith("_")}
    # Submodules appear in the namespace once imported; they are not exports.
    public -= {"testing", "TYPE_CHECKING", "Any"}
    assert exported - {"__version__"} == public
    for name in exported:
        assert hasattr(tradovate_liquidate, name)
        if isinstance(getattr(tradovate_liquidate, name), type):
            module = getattr(tradovate_liquidate, name).__module__
            # The read answers are the models generated from the spec, re-exported as they are.
            generated = name in GENERATED_MODELS and module.startswith("tradovate_api.models.")
            assert module.startswith("tradovate_liquidate.") or generated, name


GENERATED_MODELS = {"Command", "Fill", "Order", "Position", "TradeDate"}


def test_testing_all_is_honest() -> None:
    module = tradovate_liquidate.testing
    public = {name for name in vars(module) if not name.startswith("_")}
    assert set(module.__all__) == public


def test_every_error_is_exported_and_in_the_drawn_tree() -> None:
    errors = {
        name
        for name, value in vars(_exceptions).items()
        if isinstance(value, type) and issubclass(value, Exception)
    }
    assert errors <= set(tradovate_liquidate.__all__)
    for name in errors:
        assert name in (_exceptions.__doc__ or ""), (
            f"{name} is missing from the tree in the docstring"
        )
        assert issubclass(getattr(_exceptions, name), tradovate_liquidate.TradovateError)


def test_importing_the_package_loads_nothing_a_plain_call_does_not_need() -> None:
    unneeded = (
        "tradovate_liquidate.testing",
        "tradovate_liquidate._cli",
        "tradovate_liquidate._async_client",
        "tradovate_liquidate._session",  # only a client with a session needs it
        "tradovate_liquidate._credentials",
        "asyncio",
        "concurrent.futures",
        "schemathesis",
        "hypothesis",
        "pytest",
        "yaml",
    )
    # A module counts when it is one of these or inside one of them ("asyncio.events").
    code = (
        "import sys, tradovate_liquidate\n"
        f"unneeded = {unneeded!r}\n"
        "inside = tuple(name + '.' for name in unneeded)\n"
        "print([m for m in sys.modules if m in unneeded or m.startswith(inside)])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_lazy_names_load_on_first_use() -> None:
    code = (
        "import sys\n"
        "from tradovate_liquidate import AsyncLiquidationClient, KNOWN_FAILURE_REASONS\n"
        "print(AsyncLiquidationClient.__name__, len(KNOWN_FAILURE_REASONS))\n"
        "print('asyncio' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    known = len(yaml.safe_load(SPEC.read_text())["components"]["schemas"]["FailureReason"]["enum"])
    assert done.stdout.split() == ["AsyncLiquidationClient", str(known), "True"]


def test_session_names_load_on_first_use() -> None:
    code = (
        "import sys, tradovate_liquidate as package\n"
        "print('tradovate_liquidate._session' in sys.modules)\n"
        "print(package.TokenManager.__module__, package.Credentials.__module__)\n"
        "print(package.DEFAULT_RENEW_BEFORE == package._session.DEFAULT_RENEW_BEFORE)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    names = "tradovate_liquidate._session tradovate_liquidate._credentials"
    assert done.stdout.split("\n")[:3] == ["False", names, "True"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        tradovate_liquidate.Nope  # noqa: B018
