#!/usr/bin/env python3
"""Drives the gateway with a real JSON-RPC 2.0 client library (jsonrpcclient) over the real
websockets library: connect with a token, call methods, read a notification.

  jsonrpc_client.py URL TOKEN OUT     writes {"ok": bool, "why": str, "results": {...}} to OUT
"""
import asyncio
import json
import sys

from jsonrpcclient import Error, Ok, parse, request
from websockets.asyncio.client import connect


async def call(ws, method, params=None):
    message = request(method, params=params) if params is not None else request(method)
    await ws.send(json.dumps(message))
    while True:
        data = json.loads(await asyncio.wait_for(ws.recv(), timeout=15.0))
        if "id" in data and data.get("id") == message["id"]:
            return parse(data)


async def run(url, token):
    results = {}
    async with connect(url) as ws:
        hello = await call(ws, "connect", {"auth": {"token": token}})
        if not isinstance(hello, Ok):
            return {"ok": False, "why": f"connect: {hello}", "results": results}
        results["protocol"] = hello.result["protocol"]
        health = await call(ws, "health")
        results["health_ok"] = isinstance(health, Ok) and health.result.get("ok") is True
        unknown = await call(ws, "no.such.method")
        results["unknown_code"] = unknown.code if isinstance(unknown, Error) else None
        bad = await call(ws, "chat.history", {"sessionKey": "main", "limit": "ten"})
        results["bad_params_code"] = bad.code if isinstance(bad, Error) else None
        # Events arrive as JSON-RPC notifications (the test gateway ticks every 200 ms).
        for _ in range(200):
            data = json.loads(await asyncio.wait_for(ws.recv(), timeout=15.0))
            if "id" not in data and data.get("method") == "tick":
                results["notification"] = data["method"]
                break
    return {"ok": True, "why": "", "results": results}


def main():
    url, token, out = sys.argv[1], sys.argv[2], sys.argv[3]
    try:
        result = asyncio.run(run(url, token))
    except Exception as error:
        result = {"ok": False, "why": f"{type(error).__name__}: {error}", "results": {}}
    with open(out, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
