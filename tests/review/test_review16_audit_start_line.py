"""review16: --audit-log's "start" line copies --base-url verbatim, userinfo included
(https://user:password@host/v1), so a password given in the URL lands in the trail."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tradovate_liquidate._cli_audit import audit_log


def test_the_start_line_never_holds_a_password_from_the_base_url(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    args = argparse.Namespace(
        audit_log=path, base_url="https://alice:s3cret-canary@proxy.example/v1", env="demo"
    )
    kwargs: dict[str, Any] = {}
    with audit_log(args, kwargs):
        pass
    assert "s3cret-canary" not in path.read_text()
