"""The command's sign-in: credentials from the environment or a file, and a token cache.

Each sign-in may close the user's oldest session (Tradovate allows 2), possibly the
trading system's own. So the command keeps the token it obtained in a file only its user
can read, and the next run reuses it (renewing it when due) instead of signing in again.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from ._credentials import CREDENTIAL_ENV_VARS, Credentials
from ._session import TokenManager

CACHE_NAME = "tradovate-liquidate"


def credentials_from_file(path: Path) -> Credentials:
    """Credentials from a TOML or JSON file that only its owner can read (as ssh asks)."""
    try:
        mode = path.stat().st_mode
        if os.name == "posix" and mode & 0o077:
            raise ValueError(
                f"--credentials-file {path}: other users can read it (mode "
                f"{stat.S_IMODE(mode):04o}); run `chmod 600 {path}` first"
            )
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"--credentials-file {path}: {exc.strerror}") from None
    values = _parse(text, path)
    if not isinstance(values, dict):
        raise ValueError(f"--credentials-file {path}: expected a table of keys and values")
    return Credentials.from_mapping(values, where=f"--credentials-file {path}")


def _parse(text: str, path: Path) -> Any:
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix != ".toml" and text.lstrip()[:1] == "{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--credentials-file {path}: not valid JSON ({exc.msg})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise ValueError(f"--credentials-file {path}: neither valid TOML nor JSON") from None


def default_cache_path() -> Path:
    """The user's state directory ($XDG_STATE_HOME, else ~/.local/state)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / CACHE_NAME / "token.json"


class TokenCache:
    """Tokens by user and host in one JSON file: mode 0600, in a 0700 directory."""

    def __init__(self, path: Path, base_url: str, username: str) -> None:
        self.path = path
        self._key = f"{username}@{base_url}"

    def __repr__(self) -> str:
        return f"<TokenCache {str(self.path)!r}>"

    def _entries(self) -> dict[str, Any]:
        try:
            if os.name == "posix" and self.path.stat().st_mode & 0o077:
                return {}  # someone else could have read or written it: not trusted
            entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def load_into(self, manager: TokenManager) -> None:
        entry = self._entries().get(self._key)
        if not isinstance(entry, dict):
            return
        token, expires_at = entry.get("access_token"), entry.get("expires_at")
        if isinstance(token, str) and isinstance(expires_at, int | float):
            with contextlib.suppress(TypeError, ValueError):
                manager.adopt(token, expires_at)

    def save_from(self, manager: TokenManager) -> None:
        entries = self._entries()
        grant = manager.current()
        if grant is None:
            entries.pop(self._key, None)
        else:
            entries[self._key] = {"access_token": grant.token, "expires_at": grant.expires_at}
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # A name of its own (mode 0600), so concurrent runs do not write over each other's.
        descriptor, temporary = tempfile.mkstemp(
            prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent
        )
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                json.dump(entries, file)
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def signed_in(
    credentials_file: Path | None, cache_path: Path | None, use_cache: bool, base_url: str
) -> tuple[TokenManager, TokenCache | None]:
    """The TokenManager the command's client uses, started from the cache when there is one."""
    credentials = (
        credentials_from_file(credentials_file)
        if credentials_file is not None
        else Credentials.from_env()
    )
    manager = TokenManager(credentials)
    if not use_cache:
        return manager, None
    cache = TokenCache(cache_path or default_cache_path(), base_url, credentials.username)
    cache.load_into(manager)
    return manager, cache


def wants_credentials(credentials_file: Path | None) -> bool:
    """True when the command signs in itself rather than using a token it was given."""
    from ._config import TOKEN_ENV_VAR

    if credentials_file is not None:
        return True
    return not os.environ.get(TOKEN_ENV_VAR) and bool(
        os.environ.get(CREDENTIAL_ENV_VARS["username"])
    )
