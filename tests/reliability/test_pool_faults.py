"""The connection pools under cancellation, a full pool and its timeout, over real TLS.

Each test is bounded to a few seconds; none measures speed. The server holds a request
at a chosen phase (tests/reliability/phased.py) so that a cancellation lands there.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tradovate_liquidate import AsyncLiquidationClient, ConnectionFailedError, LiquidationClient
from tradovate_liquidate._async_pool import AsyncPooledTransport
from tradovate_liquidate._pool import PooledTransport

from .conftest import MATRIX
from .phased import PHASES, PhasedServer

TOKEN = "pool-faults-token"
BOUND = 10.0  # seconds: a bound for a broken pool, far above what a working one needs


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make a throwaway certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    command += ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(command, check=True, capture_output=True)
    combined = folder / "both.pem"
    combined.write_bytes(cert.read_bytes() + key.read_bytes())
    return combined


@pytest.fixture
def server(certificate: Path) -> Iterator[PhasedServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate)
    server = PhasedServer(context)
    yield server
    server.close()


def _client_kwargs(server: PhasedServer, certificate: Path, **extra: Any) -> dict[str, Any]:
    trusting = ssl.create_default_context(cafile=str(certificate))
    return {"base_url": server.base_url, "verify": trusting, "connect_retries": 0, **extra}


def _own(result: Any, account: int) -> bool:
    return bool(result.order_id // 1000 == account)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("seed", range(3))
def test_a_call_cancelled_at_any_phase_leaves_the_client_answering_the_next_call(
    server: PhasedServer, certificate: Path, phase: str, seed: int
) -> None:
    delay = random.Random(seed).uniform(0, 0.02)

    async def main() -> Any:
        async with AsyncLiquidationClient(TOKEN, **_client_kwargs(server, certificate)) as client:
            if phase != "connect":
                await client.liquidate_position(1, 7)  # a warm connection to cancel on
            server.hold(phase)
            cancelled = asyncio.create_task(client.liquidate_position(2, 7))
            await asyncio.to_thread(server.wait_held)
            await asyncio.sleep(delay)
            cancelled.cancel()
            with pytest.raises(asyncio.CancelledError):
                await cancelled
            server.release.set()
            return await asyncio.wait_for(client.liquidate_position(3, 7), BOUND)

    result = asyncio.run(main())
    assert _own(result, 3), f"the next call got another request's answer: {result.order_id}"
    sent = len(server.requests) - (phase != "connect")  # less the warm-up call
    # Once connected the small request leaves in one write, so a call cancelled while
    # "sending" has reached the server too: cancelling is never proof that nothing was done.
    assert sent == (1 if phase == "connect" else 2)
    MATRIX.append((f"cancelled while {phase}, then a new call", "async", "own answer", sent, sent))


def test_a_full_pool_with_cancelled_waiters_serves_the_rest(
    server: PhasedServer, certificate: Path
) -> None:
    """Two connections, both busy; five callers wait, four are cancelled at random."""
    order = random.Random(7).sample(range(5), 5)

    async def main() -> list[Any]:
        transport = AsyncPooledTransport(
            ssl.create_default_context(cafile=str(certificate)), max_connections=2
        )
        async with (
            httpx.AsyncClient(transport=transport) as http,
            AsyncLiquidationClient(TOKEN, base_url=server.base_url, http_client=http) as client,
        ):
            server.hold("wait", count=2)
            busy = [asyncio.create_task(client.liquidate_position(a, 7)) for a in (1, 2)]
            await asyncio.to_thread(server.wait_held, 2)
            waiting = [asyncio.create_task(client.liquidate_position(a, 7)) for a in range(3, 8)]
            await asyncio.sleep(0.1)  # every waiter is queued in the pool
            for index in order[:4]:
                waiting[index].cancel()
                await asyncio.sleep(0)
            server.release.set()
            survivor = waiting[order[4]]
            results = await asyncio.wait_for(asyncio.gather(*busy, survivor), BOUND)
            results.append(await asyncio.wait_for(client.liquidate_position(9, 7), BOUND))
            assert transport._opened <= 2
            return [
                (result, account)
                for result, account in zip(results, [1, 2, order[4] + 3, 9], strict=True)
            ]

    pairs = asyncio.run(main())
    assert all(_own(result, account) for result, account in pairs)
    assert sorted(server.requests) == sorted(account for _, account in pairs), (
        "a cancelled waiter never sends"
    )
    MATRIX.append(("pool full, 4 of 5 waiters cancelled", "async", "own answers", 4, 4))


def test_a_full_pool_past_its_pool_timeout_sends_nothing(
    harness_kind: str, server: PhasedServer, certificate: Path
) -> None:
    """One connection, busy; a call with Timeout(pool=0.3) fails as 'nothing was sent'."""
    context = ssl.create_default_context(cafile=str(certificate))
    timeout = httpx.Timeout(BOUND, pool=0.3)
    server.hold("wait")
    if harness_kind == "sync":
        http = httpx.Client(transport=PooledTransport(context, max_connections=1))
        with (
            http,
            LiquidationClient(
                TOKEN, base_url=server.base_url, http_client=http, connect_retries=0
            ) as client,
        ):
            holder = threading.Thread(target=client.liquidate_position, args=(1, 7))
            holder.start()
            server.wait_held()
            with pytest.raises(ConnectionFailedError, match="nothing was sent"):
                client.liquidate_position(2, 7, timeout=timeout)
            server.release.set()
            holder.join(BOUND)
    else:

        async def main() -> None:
            transport = AsyncPooledTransport(context, max_connections=1)
            async with (
                httpx.AsyncClient(transport=transport) as http,
                AsyncLiquidationClient(
                    TOKEN, base_url=server.base_url, http_client=http, connect_retries=0
                ) as client,
            ):
                holder = asyncio.create_task(client.liquidate_position(1, 7))
                await asyncio.to_thread(server.wait_held)
                with pytest.raises(ConnectionFailedError, match="nothing was sent"):
                    await asyncio.wait_for(client.liquidate_position(2, 7, timeout=timeout), BOUND)
                server.release.set()
                await holder

        asyncio.run(main())
    assert server.requests == [1], "the call that met the full pool sent nothing"
    MATRIX.append(("pool full past Timeout(pool=...)", harness_kind, "ConnectionFailedError", 1, 1))


@pytest.fixture(params=["sync", "async"])
def harness_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)
