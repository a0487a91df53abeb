"""__all__ says exactly what the package offers, and importing it stays lean."""

from __future__ import annotations

import subprocess
import sys

import tradovate_liquidate
import tradovate_liquidate.testing
from tradovate_liquidate import _exceptions


def test_all_is_honest() -> None:
    exported = set(tradovate_liquidate.__all__)
    public = {name for name in vars(tradovate_liquidate) if not name.startswith("_")}
    # Submodules appear in the namespace once imported; they are not exports.
    public -= {"testing"}
    assert exported - {"__version__"} == public
    for name in exported:
        assert hasattr(tradovate_liquidate, name)
        if isinstance(getattr(tradovate_liquidate, name), type):
            assert getattr(tradovate_liquidate, name).__module__.startswith("tradovate_liquidate.")


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


def test_importing_the_package_leaves_the_fake_and_the_test_tools_alone() -> None:
    code = (
        "import sys, tradovate_liquidate; "
        "bad = [m for m in sys.modules if m.startswith('tradovate_liquidate.testing') "
        "or m.split('.')[0] in ('schemathesis', 'hypothesis', 'pytest', 'yaml')]; "
        "print(bad)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
