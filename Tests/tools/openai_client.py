"""Drives the gateway's OpenAI-compatible API with the official openai SDK, as any app would.

Usage: openai_client.py BASE_URL API_KEY
Prints one line per step (the Swift test reads them); exits non-zero on an unexpected outcome.
"""
import base64
import sys

import openai

base, key = sys.argv[1], sys.argv[2]
client = openai.OpenAI(base_url=base, api_key=key, max_retries=0, timeout=60)
# A 1x1 PNG.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()

models = client.models.list()
print("MODELS " + ",".join(m.id for m in models.data), flush=True)

reply = client.chat.completions.create(
    model="switchboard/main", user="alice",
    messages=[{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "first question"}])
print("REPLY " + reply.choices[0].message.content + " | finish=" + reply.choices[0].finish_reason
      + " | id=" + reply.id + " | total_tokens=" + str(reply.usage.total_tokens), flush=True)

chunks = []
stream = client.chat.completions.create(
    model="switchboard/main", user="alice", stream=True, stream_options={"include_usage": True},
    messages=[{"role": "user", "content": "second question"}])
finish = None
for chunk in stream:
    if chunk.choices:
        if chunk.choices[0].delta.content:
            chunks.append(chunk.choices[0].delta.content)
        finish = chunk.choices[0].finish_reason or finish
print("STREAM " + "".join(chunks) + " | chunks=" + str(len(chunks)) + " | finish=" + str(finish), flush=True)

image = client.chat.completions.create(
    model="openclaw:main",
    messages=[{"role": "user", "content": [
        {"type": "text", "text": "what is in this picture?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG}}]}])
print("IMAGE " + image.choices[0].message.content, flush=True)

for name, call, expected in [
    ("AUTH", lambda: openai.OpenAI(base_url=base, api_key="wrong-key", max_retries=0).models.list(), openai.AuthenticationError),
    ("MODEL", lambda: client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}]), openai.NotFoundError),
    ("FETCH", lambda: client.chat.completions.create(model="switchboard/main", messages=[{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "http://169.254.169.254/latest/meta-data"}}]}]), openai.BadRequestError),
    ("LAST", lambda: client.chat.completions.create(model="switchboard/main", messages=[{"role": "assistant", "content": "hi"}]), openai.BadRequestError),
]:
    try:
        call()
        print(name + " UNEXPECTED success", flush=True)
        sys.exit(1)
    except expected as error:
        print(name + " REFUSED " + str(error.status_code) + " " + str(error.body.get("message") if isinstance(error.body, dict) else error.body), flush=True)
print("DONE", flush=True)
