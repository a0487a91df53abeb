"""An independent server for the bulk benchmark: aiohttp, in its own process.

It knows nothing of the fake: it answers every liquidateposition with Success and a new
order id after a fixed latency. Run as `python -m bench.aioserver --latency 0.05`; it
prints its base URL on the first line and serves until terminated.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json

from aiohttp import web


def application(latency: float) -> web.Application:
    order_ids = itertools.count(1)

    async def liquidate(request: web.Request) -> web.Response:
        await request.read()
        await asyncio.sleep(latency)
        answer = {"failureReason": "Success", "orderId": next(order_ids)}
        return web.Response(body=json.dumps(answer).encode(), content_type="application/json")

    app = web.Application()
    app.router.add_post("/v1/order/liquidateposition", liquidate)
    return app


async def serve(latency: float) -> None:
    runner = web.AppRunner(application(latency), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = runner.addresses[0][1]
    print(f"http://127.0.0.1:{port}/v1", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.05)
    asyncio.run(serve(parser.parse_args().latency))


if __name__ == "__main__":
    main()
