"""A minimal platform adapter for Switchboard's adapter protocol (Clara-style).

It registers, sends one message as if a user had typed it on a chat platform, prints the
streamed answer, and exits. A real adapter would bridge Discord, Slack, Matrix… the same way:
one `message` per incoming chat message, and post `response_end.full_text` back to the chat.

    pip install websockets
    python3 examples/echo_adapter.py ws://127.0.0.1:18789/adapter "What time is it?"
"""
import asyncio
import json
import os
import sys
import uuid

import websockets


async def main(url, text):
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({
            "type": "register", "node_id": "example-node", "platform": "example",
            "capabilities": ["streaming"], "secret": os.environ.get("SWITCHBOARD_ADAPTER_SECRET"),
        }))
        request_id = str(uuid.uuid4())
        async for raw in ws:
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "registered":
                await ws.send(json.dumps({
                    "type": "message", "id": request_id, "content": text,
                    "user": {"id": "user-1", "name": "Example User"},
                    "channel": {"id": "dm-user-1", "type": "dm"},
                }))
            elif kind == "response_chunk":
                print(frame["chunk"], end="", flush=True)
            elif kind == "tool_start":
                print(f"\n[tool {frame['tool_name']}…]", flush=True)
            elif kind == "response_end" and frame.get("request_id") == request_id:
                print("\n---\n" + frame["full_text"])
                return
            elif kind == "error":
                print(f"error {frame['code']}: {frame['message']}", file=sys.stderr)
                if not frame.get("recoverable", True):
                    return


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "ws://127.0.0.1:18789/adapter",
                     sys.argv[2] if len(sys.argv) > 2 else "Hello!"))
