#!/usr/bin/env python3
"""OpenClaw protocol conformance helper for the Swift suite.

Reads OpenClaw's published protocol JSON Schema (v3) and the v4 overlay from a directory
(../shared/openclaw-schema at test time; never copied into the project) and either

  params   --schema-dir D --out F METHOD...   writes to F {method: {"definition": name, "samples": [...]}}:
                                         a required-only and an every-field instance of each
                                         method's OpenClaw `*Params` (or null when OpenClaw has none)
  validate --schema-dir D --out F FRAMES.jsonl   validates captured frames, writes to F a JSON list of
                                         violations {index, protocol, kind, name, definition, path, message}

Each line of FRAMES.jsonl is {"protocol": 3|4, "kind": "hello"|"res"|"event", "name": method or
event name (res/event), "frame": <the frame as sent>}.
"""
import argparse
import copy
import json
import re
import sys
from pathlib import Path

import jsonschema

# Method names whose `*Params` definition name is not the dotted name in CamelCase.
PARAMS_NAMES = {"agent.identity.get": "AgentIdentityParams"}
# Method results with a definition of their own in OpenClaw's schema.
RESULT_DEFINITIONS = {
    "agent.identity.get": "AgentIdentityResult",
    "channels.status": "ChannelsStatusResult",
    "config.schema": "ConfigSchemaResponse",
    "logs.tail": "LogsTailResult",
    "models.list": "ModelsListResult",
    "agents.list": "AgentsListResult",
}
# Event payloads with a definition (v4 adds HealthSnapshot for `health`).
EVENT_DEFINITIONS = {
    "chat": "ChatEvent",
    "agent": "AgentEvent",
    "tick": "TickEvent",
    "shutdown": "ShutdownEvent",
    "device.pair.requested": "DevicePairRequestedEvent",
    "device.pair.resolved": "DevicePairResolvedEvent",
    "health": "HealthSnapshot",
}


def load(schema_dir):
    directory = Path(schema_dir)
    v3 = json.loads((directory / "v3.protocol.schema.json").read_text())
    overlay = json.loads((directory / "v4.overlay.schema.json").read_text())
    v4 = copy.deepcopy(v3)
    v4["definitions"].update(overlay["definitions"])
    return {3: v3, 4: v4}


def params_name(method):
    if method in PARAMS_NAMES:
        return PARAMS_NAMES[method]
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[.\-]", method)) + "Params"


# Values a real client would send for fields the gateway looks up, so the samples exercise the
# method rather than only its "not found" path.
FIELD_VALUES = {
    "sessionKey": "main", "key": "main", "keys": ["main"], "message": "hello", "raw": "{}",
    "deviceId": "no-such-device", "role": "operator", "runId": "no-such-run", "to": "webchat:someone",
    "channel": "webchat", "agentId": "main", "timeoutMs": 30000, "timeout": 30,
    # Cron: a one-shot in the future, and a job id that does not exist.
    "at": "2030-01-01T00:00:00Z", "expr": "0 9 * * *", "jobId": "no-such-job", "id": "no-such-job",
    # OpenClaw's chat attachment: {type, mimeType, fileName, content (base64)}; a 1x1 PNG.
    "attachments": [{
        "type": "image", "mimeType": "image/png", "fileName": "dot.png",
        "content": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    }],
}


class Sampler:
    def __init__(self, definitions):
        self.definitions = definitions
        self.counter = 0

    def resolve(self, schema):
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.definitions[schema["$ref"].split("/")[-1]]
        return schema

    def value(self, schema, name, full):
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or not schema:
            return "x"
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return schema["enum"][0]
        for union in ("anyOf", "oneOf"):
            if union in schema:
                options = [option for option in schema[union] if self.resolve(option).get("type") != "null"]
                return self.value(options[0] if options else schema[union][0], name, full)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((entry for entry in kind if entry != "null"), kind[0])
        if name == "idempotencyKey":
            self.counter += 1
            return f"conformance-{self.counter}"
        if name in FIELD_VALUES:
            return FIELD_VALUES[name]
        if kind == "object" or "properties" in schema:
            return self.instance(schema, full)
        if kind == "array":
            items = schema.get("items", {})
            count = max(schema.get("minItems", 0), 1 if full else 0)
            return [self.value(items, name, full) for _ in range(count)]
        if kind == "string":
            return "x" * max(schema.get("minLength", 1), 1)
        if kind in ("integer", "number"):
            low = schema.get("minimum", 1)
            high = schema.get("maximum", max(low, 1))
            return min(max(low, 1), high)
        if kind == "boolean":
            return False
        return "x"

    def instance(self, schema, full):
        schema = self.resolve(schema)
        for union in ("anyOf", "oneOf"):
            # A union of objects (`{id} | {jobId}`): the first choice.
            if union in schema and "properties" not in schema:
                options = [option for option in schema[union] if self.resolve(option).get("type") != "null"]
                return self.instance(options[0] if options else schema[union][0], full)
        properties = schema.get("properties", {})
        names = list(properties) if full else list(schema.get("required", []))
        return {name: self.value(properties[name], name, full) for name in names}


def command_params(schema_dir, methods, out):
    definitions = load(schema_dir)[4]["definitions"]
    sampler = Sampler(definitions)
    result = {}
    for method in methods:
        name = params_name(method)
        if name not in definitions:
            result[method] = None
            continue
        samples = [sampler.instance(definitions[name], False), sampler.instance(definitions[name], True)]
        validator = jsonschema.Draft7Validator({"definitions": definitions, **definitions[name]})
        for sample in samples:
            problems = [error.message for error in validator.iter_errors(sample)]
            if problems:
                raise SystemExit(f"generated {name} sample does not validate: {problems}")
        result[method] = {"definition": name, "samples": samples}
    Path(out).write_text(json.dumps(result))


def command_validate(schema_dir, frames_path, out):
    schemas = load(schema_dir)
    validators = {}

    def check(protocol, definition, instance):
        key = (protocol, definition)
        if key not in validators:
            definitions = schemas[protocol]["definitions"]
            if definition not in definitions:
                return None
            validators[key] = jsonschema.Draft7Validator({"definitions": definitions, **definitions[definition]})
        return list(validators[key].iter_errors(instance))

    violations = []
    for index, line in enumerate(Path(frames_path).read_text().splitlines()):
        entry = json.loads(line)
        protocol, kind, name, frame = entry["protocol"], entry["kind"], entry.get("name"), entry["frame"]
        targets = []
        if kind == "hello":
            targets.append(("HelloOk", frame, "$"))
        elif kind == "res":
            targets.append(("ResponseFrame", frame, "$"))
            if frame.get("ok") and name in RESULT_DEFINITIONS and "payload" in frame:
                targets.append((RESULT_DEFINITIONS[name], frame["payload"], "$.payload"))
            payload = frame.get("payload") if frame.get("ok") else None
            if name in ("cron.add", "cron.update") and isinstance(payload, dict):
                targets.append(("CronJob", payload, "$.payload"))
            if name == "cron.list" and isinstance(payload, dict):
                for position, job in enumerate(payload.get("jobs") or []):
                    targets.append(("CronJob", job, f"$.payload.jobs[{position}]"))
            if name == "cron.runs" and isinstance(payload, dict):
                for position, run in enumerate(payload.get("entries") or []):
                    targets.append(("CronRunLogEntry", run, f"$.payload.entries[{position}]"))
            if frame.get("ok") and name == "system-presence" and isinstance(frame.get("payload"), list):
                for position, entry in enumerate(frame["payload"]):
                    targets.append(("PresenceEntry", entry, f"$.payload[{position}]"))
            if not frame.get("ok") and "error" in frame:
                targets.append(("ErrorShape", frame["error"], "$.error"))
        elif kind == "event":
            targets.append(("EventFrame", frame, "$"))
            if name in EVENT_DEFINITIONS and "payload" in frame:
                targets.append((EVENT_DEFINITIONS[name], frame["payload"], "$.payload"))
            if name == "presence":
                for position, entry in enumerate((frame.get("payload") or {}).get("presence") or []):
                    targets.append(("PresenceEntry", entry, f"$.payload.presence[{position}]"))
        for definition, instance, base in targets:
            errors = check(protocol, definition, instance)
            if errors is None:
                continue
            for error in errors:
                path = base + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
                found = [(path, error.message[:300])]
                if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                    # One violation per unexpected field, so the suite can name each deliberate extra.
                    known = set(error.schema.get("properties", {}))
                    patterns = list(error.schema.get("patternProperties", {}))
                    found = [
                        (f"{path}.{field}", "unexpected field (closed schema)")
                        for field in error.instance
                        if field not in known and not any(re.search(pattern, field) for pattern in patterns)
                    ]
                for where, message in found:
                    violations.append({
                        "index": index, "protocol": protocol, "kind": kind, "name": name,
                        "definition": definition, "path": where, "message": message,
                    })
    Path(out).write_text(json.dumps(violations))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["params", "validate"])
    parser.add_argument("--schema-dir", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("rest", nargs="*")
    arguments = parser.parse_intermixed_args()
    if arguments.command == "params":
        command_params(arguments.schema_dir, arguments.rest, arguments.out)
    else:
        command_validate(arguments.schema_dir, arguments.rest[0], arguments.out)


if __name__ == "__main__":
    main()
