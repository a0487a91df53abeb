"""tradovate-liquidate: flatten a position, a CSV of them, or whole accounts (_cli_accounts.py).

Exit codes: 0 all liquidated; 1 some not liquidated and the server certainly did not act
(rejected, refused, no connection, or verified from its records: safe to repeat); 2 usage
error; 3 authentication or rate limit; 4 an outcome still unknown after verification
(check positions before trying again); 5 liquidation sent but the position was not flat
within --flat-timeout (--confirm, and always for accounts). The worst one wins, in the
order 4, 5, 3, 1.

Targets left unsettled are kept in a small state file (see _state_file) so that running
the command again reads the server's records before sending anything for them.

Output: a table and a summary on stdout (-q: the summary only; --json: JSON only, so a
pipe reads nothing else); -v adds the library's log records on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._batch import DEFAULT_CONCURRENCY, Outcome
from ._cli_accounts import add_account_options, add_limit_options, run_report, wants_report
from ._cli_audit import AUDIT_LOG_HELP, audit_log
from ._cli_output import (
    EXIT_USAGE,
    UsageError,
    _exit_code,
    _print_table,
    _Progress,
    _row,
    _summary,
    _tried,
    _worst,
)
from ._cli_report import Report, print_rows
from ._cli_session import TokenCache, signed_in, wants_credentials
from ._client import LiquidationClient
from ._config import ENVIRONMENTS, TOKEN_ENV_VAR, resolve_base_url
from ._credentials import CREDENTIAL_ENV_VARS as _CREDENTIAL_ENV_VARS
from ._exceptions import TradovateError
from ._session import TokenManager
from ._version import __version__

#: Named in the missing-token message (the device id is optional, so left out).
CREDENTIAL_ENV_VARS = tuple(
    var for name, var in _CREDENTIAL_ENV_VARS.items() if name != "device_id"
)
#: Overrides the state file's place (else $XDG_STATE_HOME or ~/.local/state).
STATE_ENV_VAR = "TRADOVATE_LIQUIDATE_STATE"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradovate-liquidate",
        description="Cancel working orders and flatten positions on Tradovate.",
        epilog=(
            f"The token comes from --token-file, --credentials-file, {TOKEN_ENV_VAR} or "
            "TRADOVATE_USERNAME/TRADOVATE_PASSWORD (and TRADOVATE_APP_ID, _APP_VERSION, _CID, "
            "_SEC, _DEVICE_ID), in that order; never from the command line (process lists show "
            "arguments). Exit codes: 0 all liquidated; 1 some not liquidated "
            "and the server certainly did not act (a verified 'not liquidated' is safe to repeat); "
            "2 usage error; 3 authentication or rate limit; 4 outcome still unknown after "
            "verification, or the state file unreadable (nothing sent): check positions; "
            "5 sent but not flat within --flat-timeout (--confirm; accounts always wait); "
            "the worst wins, 4 over 5 over 3 over 1. "
            f"Unsettled targets are kept in the state file ({STATE_ENV_VAR} or "
            "--state-file; default under $XDG_STATE_HOME or ~/.local/state) and read back "
            "before anything is sent for them again."
        ),
    )
    _add_target_options(parser)
    add_account_options(parser)
    add_limit_options(parser)
    _add_access_options(parser)
    _add_order_options(parser)
    _add_output_options(parser)
    return parser


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("account_id", nargs="?", type=int, help="the account holding the position")
    parser.add_argument("contract_id", nargs="?", type=int, help="the numeric contract id")
    parser.add_argument(
        "--from-csv",
        type=Path,
        metavar="FILE",
        help="columns account_id, contract_id, custom_tag (optional)",
    )
    parser.add_argument("--yes", action="store_true", help="do not ask before liquidating on live")


def _add_access_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", choices=sorted(ENVIRONMENTS), default="demo", help="default: demo")
    parser.add_argument("--base-url", help="overrides --env (http:// only for loopback hosts)")
    parser.add_argument(
        "--token-file", type=Path, help=f"a file holding the token (else {TOKEN_ENV_VAR})"
    )
    parser.add_argument(
        "--credentials-file",
        type=Path,
        metavar="FILE",
        help="TOML or JSON with username, password, app_id, app_version, cid, sec (mode 600)",
    )
    parser.add_argument(
        "--token-cache", type=Path, metavar="FILE", help="where a signed-in token is kept"
    )
    parser.add_argument(
        "--no-token-cache", action="store_true", help="sign in afresh; keep no token"
    )


def _add_order_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--admin", action="store_true", help="send admin: true")
    parser.add_argument("--tag", help="customTag50 for every order (at most 64 characters)")
    parser.add_argument(
        "--manual", action="store_true", help="a person decided this: isAutomated false"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help=f"positions liquidated at once (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument("--timeout", type=float, default=None, help="seconds per request")
    parser.add_argument(
        "--confirm", action="store_true", help="wait until each position reads 0 (exit 5 if not)"
    )
    parser.add_argument("--settle-timeout", type=float, default=None, help="seconds (default 5)")
    parser.add_argument("--flat-timeout", type=float, default=None, help="seconds (default 30)")
    parser.add_argument("--state-file", type=Path, default=None, help="pending targets file")


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    chatter = parser.add_mutually_exclusive_group()
    chatter.add_argument(
        "-v", "--verbose", action="store_true", help="log each request and wait on stderr"
    )
    chatter.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--audit-log", type=Path, metavar="FILE", help=AUDIT_LOG_HELP)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with _log_records_to_stderr(verbose=args.verbose, quiet=args.quiet):
        try:
            report = _report(args)
        except (UsageError, ValueError, TypeError) as exc:
            print(f"tradovate-liquidate: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        if args.json:
            print(json.dumps(report.rows, indent=2))
        else:
            if not args.quiet:
                print_rows(report.rows, sys.stdout) if wants_report(args) else _print_table(
                    report.rows, sys.stdout
                )
            print(report.summary)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left (`| head -1`). As the CPython docs advise (signal module, "Note
        # on SIGPIPE"), point stdout at devnull so the final flush cannot fail again, and
        # keep the exit code: it says what happened to the positions, not to the pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return report.code


def _report(args: argparse.Namespace) -> Report:
    if wants_report(args):  # whole accounts, or a dry run (_cli_accounts.py)
        targets = None if args.from_csv is None and args.account_id is None else _targets(args)
        return run_report(args, targets, lambda before: _open_client(args, before), _confirm_live)
    outcomes = _liquidate(args)
    rows = [_row(outcome, _tried(args)) for outcome in outcomes]
    if not args.confirm:
        for row in rows:
            del row["flat"]
    return Report(rows, _worst(_exit_code(outcome) for outcome in outcomes), _summary(rows))


def _liquidate(args: argparse.Namespace) -> list[Outcome]:
    targets = _targets(args)
    with _open_client(args, lambda: _confirm_live(args, targets)) as client:
        show_progress = len(targets) > 1 and not args.quiet and sys.stderr.isatty()
        progress = _Progress(len(targets), sys.stderr) if show_progress else None
        outcomes = client.liquidate_many(
            targets,
            concurrency=args.concurrency,
            on_progress=progress,
            admin=args.admin,
            custom_tag=args.tag,
            is_automated=not args.manual,
            confirm=args.confirm,
        )
    if progress is not None:
        progress.finish()
    return outcomes


@contextlib.contextmanager
def _open_client(
    args: argparse.Namespace, before: Callable[[], None]
) -> Iterator[LiquidationClient]:
    """The command's client; `before` (the live guard) runs once the token source is known
    and before anything is sent. A signed-in token is kept for the next run."""
    token, cache = _token_or_session(args)
    before()
    client_kwargs: dict[str, Any] = {"environment": args.env, "base_url": args.base_url}
    if args.timeout is not None:
        client_kwargs["timeout"] = args.timeout
    for name in ("settle_timeout", "flat_timeout", "deadline", "max_penalty_wait"):
        if getattr(args, name) is not None:
            client_kwargs[name] = getattr(args, name)
    client_kwargs["pending_file"] = args.state_file or _state_file()
    with audit_log(args, client_kwargs), LiquidationClient(token, **client_kwargs) as client:
        if cache is not None and isinstance(token, TokenManager) and token.expires_at:
            _renew_cached(client)
        yield client
    if cache is not None and isinstance(token, TokenManager):
        _save_token(cache, token)


def _renew_cached(client: LiquidationClient) -> None:
    """A cached token's session may have been closed by other sign-ins since (a 408 on the
    liquidation, which is then not resent): renewing it first finds that out, and signs in
    again only when the renewal is refused."""
    with contextlib.suppress(TradovateError):  # the liquidation itself reports what is wrong
        client.warm_up()


def _save_token(cache: TokenCache, manager: TokenManager) -> None:
    """Keep the token for the next run (which renews it instead of signing in again). The
    positions are dealt with by now: a cache that cannot be written only costs a warning."""
    try:
        cache.save_from(manager)
    except OSError as exc:
        print(f"warning: could not keep the token in {cache.path}: {exc}", file=sys.stderr)


@contextlib.contextmanager
def _log_records_to_stderr(*, verbose: bool, quiet: bool) -> Iterator[None]:
    """-v: every record of the library's logger on stderr, one line per request and wait.
    -q: none, not even the waits that Python's last-resort handler prints by default."""
    logger = logging.getLogger("tradovate_liquidate")
    if not (verbose or quiet):
        yield
        return
    handler: logging.Handler = logging.NullHandler()
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.ERROR)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _targets(args: argparse.Namespace) -> list[tuple[int, int] | tuple[int, int, str | None]]:
    if args.from_csv is not None:
        if args.account_id is not None:
            raise UsageError("give ACCOUNT_ID CONTRACT_ID or --from-csv, not both")
        return _read_csv(args.from_csv)
    if args.account_id is None or args.contract_id is None:
        raise UsageError("give ACCOUNT_ID CONTRACT_ID, or --from-csv FILE")
    return [(args.account_id, args.contract_id)]


def _read_csv(path: Path) -> list[tuple[int, int] | tuple[int, int, str | None]]:
    try:
        # utf-8-sig: spreadsheet programs save "CSV UTF-8" with a byte-order mark, which
        # would otherwise become part of the first column's name.
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            missing = {"account_id", "contract_id"} - set(reader.fieldnames or ())
            if missing:
                raise UsageError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            targets: list[tuple[int, int] | tuple[int, int, str | None]] = []
            for row in reader:
                line = reader.line_num
                try:
                    account_id, contract_id = int(row["account_id"]), int(row["contract_id"])
                except (TypeError, ValueError):
                    raise UsageError(
                        f"{path}, line {line}: account_id and contract_id must be whole numbers"
                    ) from None
                targets.append((account_id, contract_id, (row.get("custom_tag") or None)))
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    if not targets:
        raise UsageError(f"{path}: no positions listed")
    return targets


def _token_or_session(args: argparse.Namespace) -> tuple[str | TokenManager, TokenCache | None]:
    if args.token_file is not None or not wants_credentials(args.credentials_file):
        return _token(args.token_file), None
    base_url = resolve_base_url(args.env, args.base_url)
    return signed_in(args.credentials_file, args.token_cache, not args.no_token_cache, base_url)


def _state_file() -> Path:
    """Where unsettled targets are kept: $TRADOVATE_LIQUIDATE_STATE, else the state dir."""
    override = os.environ.get(STATE_ENV_VAR)
    if override:
        return Path(override)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tradovate-liquidate" / "pending.json"


def _token(token_file: Path | None) -> str:
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"--token-file {token_file}: {exc.strerror}") from None
        if not token:
            raise UsageError(f"--token-file {token_file}: the file is empty")
        return token
    token = os.environ.get(TOKEN_ENV_VAR, "").strip()
    if not token:
        raise UsageError(
            f"no token: set {TOKEN_ENV_VAR}, or pass --token-file FILE, or set the sign-in "
            f"variables {', '.join(CREDENTIAL_ENV_VARS[:-1])} and {CREDENTIAL_ENV_VARS[-1]}"
        )
    return token


def _confirm_live(args: argparse.Namespace, targets: list[Any], noun: str = "position") -> None:
    """Live asks for the account id (one target) or the count: positions, or accounts
    (`noun`, with targets as (account_id,) tuples)."""
    url = args.base_url or ENVIRONMENTS[args.env]
    if not is_live(url) or args.yes:
        return
    if not sys.stdin.isatty():
        raise UsageError("refusing to liquidate on LIVE without --yes when no one is at a terminal")
    expected = str(targets[0][0]) if len(targets) == 1 else str(len(targets))
    what = "the account id" if len(targets) == 1 else f"the number of {noun}s"
    whole = "every position of " if noun == "account" else ""
    print(
        f"This liquidates {whole}{len(targets)} {noun}(s) on LIVE ({url}), with real money.",
        file=sys.stderr,
    )
    print(f"Type {what} ({expected}) to go on: ", end="", file=sys.stderr, flush=True)
    if sys.stdin.readline().strip() != expected:
        raise UsageError("not confirmed; nothing was sent")


def is_live(url: str) -> bool:
    """True when the URL's host is the live host or under it, however it is written.

    Hosts are compared after the normalisations a resolver applies: case, a trailing
    dot, IDNA (full-width letters, punycode); the port does not matter (":443" or any
    other is still the live host). A host that cannot be normalised counts as live: the
    guard errs towards asking.
    """
    live = _normalised_host(ENVIRONMENTS["live"])
    try:
        host = _normalised_host(url)
    except ValueError:
        return True
    return host == live or host.endswith("." + live)


def _normalised_host(url: str) -> str:
    hostname = urlsplit(url).hostname or ""
    # The IDNA codec maps full-width letters and dots and upper case the way resolvers do;
    # it refuses empty labels, so the trailing dot of an absolute name goes first.
    hostname = hostname.replace("\uff0e", ".").replace("\u3002", ".").replace("\uff61", ".")
    hostname = hostname.rstrip(".")
    try:
        ascii_host = hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"host {hostname!r} cannot be normalised") from exc
    labels = [_decode_punycode(label) for label in ascii_host.lower().split(".")]
    return ".".join(labels)


def _decode_punycode(label: str) -> str:
    """A punycode label as its IDNA form, so that one written two ways compares equal."""
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode").encode("idna").decode("ascii")
    except UnicodeError:
        return label
