#!/usr/bin/env python3
"""Platform adapters as their authors ship them, for the Swift suite.

  clara URL OUT   Clara's GatewayClient flow (mypalclara adapters/base.py): connect to URL with the
                  `websockets` library, send `register` at once, read exactly one frame and require
                  `registered`, then send a nested MessageRequest and collect the reply.
  seed URL OUT    The example adapter of seeds/004-clara-gateway.txt: register, send the flat
                  `message` shape, print data["content"] of each response_chunk until response_end.

Writes {"ok": bool, "why": str, "frames": [...], "printed": str} to OUT.
"""
import asyncio
import json
import sys
import uuid

from websockets.asyncio.client import connect


async def clara(url):
    frames = []
    async with connect(url, ping_interval=None) as ws:
        await ws.send(json.dumps({
            "type": "register", "node_id": f"discord-{uuid.uuid4().hex[:8]}", "platform": "discord",
            "capabilities": ["streaming"], "metadata": {}, "secret": None,
        }))
        first = json.loads(await asyncio.wait_for(ws.recv(), timeout=10.0))
        frames.append(first)
        if first.get("type") != "registered":
            return {"ok": False, "why": f"unexpected registration response: {first}", "frames": frames}
        if not first.get("node_id") or not first.get("session_id"):
            return {"ok": False, "why": "registered lacks node_id or session_id", "frames": frames}
        request_id = f"msg-{uuid.uuid4().hex[:8]}"
        await ws.send(json.dumps({
            "type": "message", "id": request_id,
            "user": {"id": "discord-42", "platform_id": "42", "name": "ann", "display_name": "Ann"},
            "channel": {"id": "dm-42", "type": "dm", "name": None, "guild_id": None, "guild_name": None},
            "content": "hello from clara", "attachments": [], "reply_chain": [], "tier_override": None,
            "metadata": {"platform": "discord"},
        }))
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=20.0))
            frames.append(frame)
            kind = frame.get("type")
            required = {
                "response_start": ["id", "request_id"], "response_chunk": ["id", "request_id", "chunk"],
                "response_end": ["id", "request_id", "full_text"], "tool_start": ["id", "request_id", "tool_name", "step"],
                "tool_result": ["id", "request_id", "tool_name", "success"], "error": ["code", "message"],
            }.get(kind, [])
            missing = [field for field in required if field not in frame]
            if missing:
                return {"ok": False, "why": f"{kind} lacks {missing}", "frames": frames}
            if kind == "error":
                return {"ok": False, "why": f"error: {frame}", "frames": frames}
            if kind == "response_end" and frame.get("request_id") == request_id:
                return {"ok": True, "why": "", "frames": frames}


async def seed(url):
    frames = []
    printed = ""
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "register", "platform": "custom", "node_id": "custom-1", "capabilities": ["streaming"]}))
        await ws.send(json.dumps({
            "type": "message", "request_id": str(uuid.uuid4()), "user_id": "custom-123", "channel_id": "channel-456",
            "content": "Hello Clara", "attachments": [],
        }))
        async for message in ws:
            data = json.loads(message)
            frames.append(data)
            if data["type"] == "response_chunk":
                printed += data["content"]
            elif data["type"] == "response_end":
                printed += "\n"
                return {"ok": True, "why": "", "frames": frames, "printed": printed}
            elif data["type"] == "error":
                return {"ok": False, "why": f"error: {data}", "frames": frames, "printed": printed}
    return {"ok": False, "why": "closed before response_end", "frames": frames, "printed": printed}


def main():
    mode, url, out = sys.argv[1], sys.argv[2], sys.argv[3]
    try:
        result = asyncio.run(clara(url) if mode == "clara" else seed(url))
    except Exception as error:  # the test reports it
        result = {"ok": False, "why": f"{type(error).__name__}: {error}", "frames": []}
    with open(out, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
