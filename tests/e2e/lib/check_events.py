#!/usr/bin/env python3
"""Checks what the integrator example printed (one JSON line per Kafka record) against the
published contract:

- every record on a public topic is a CloudEvent 1.0 (structured mode) whose `type` is
  documented in docs/asyncapi.yaml, and whose `data` is valid against that type's JSON Schema;
- order per key: within a key, all records sit in one partition, and for every subject the
  `sequence` strictly increases in offset order (a consumer upserting snapshots never goes back);
- no personal data on public topics: no e-mail address or phone number anywhere, no field named
  like contact/travel data, no type of the private topic, and no value that the private topic
  (concord.delegations.private.v1, read with --private) carries in a contact or travel.

Usage: check_events.py --asyncapi docs/asyncapi.yaml --events events.jsonl [--private private.jsonl]
Needs PyYAML and jsonschema (tests/e2e/lib/tools.sh installs them).
"""
import argparse
import json
import re
import sys

import jsonschema
import yaml

PUBLIC_TOPICS = {
    "concord.scheduling.v1",
    "concord.delegations.v1",
    "concord.documents.v1",
    "concord.notifications.v1",
}
PRIVATE_TOPIC = "concord.delegations.private.v1"
PERSONAL_FIELDS = {"email", "e_mail", "phone", "mobile", "contact", "travel", "hotel", "arrival", "departure",
                   "flight", "airport", "passport", "birth_date", "date_of_birth"}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# E.164 numbers as Concord stores them (+ and 7 to 15 digits), also with spaces or dashes.
PHONE = re.compile(r"\+\d(?:[\s-]?\d){6,14}")
CE_REQUIRED = ["specversion", "id", "source", "type", "subject", "time", "sequence", "datacontenttype", "data"]


def load_lines(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{n}: not a JSON line: {e}")
    return out


class Contract:
    """The data schema of every event type documented in an AsyncAPI 2.x document."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.schemas = {}  # type → JSON pointer (into self.doc) of its data schema
        self._collect()

    def _resolve(self, node, pointer):
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise SystemExit(f"asyncapi: only local $refs are supported, not {ref}")
            pointer = ref[1:]
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            seen += 1
        return node, pointer

    @staticmethod
    def _child(pointer, *parts):
        return pointer + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)

    def _messages(self):
        """(message node, pointer) of every message: components.messages and channels' messages."""
        found = []
        comps = (self.doc.get("components") or {}).get("messages") or {}
        for name in comps:
            found.append((name, *self._resolve(comps[name], self._child("", "components", "messages", name))))
        for cname, channel in (self.doc.get("channels") or {}).items():
            for op in ("subscribe", "publish"):
                if not isinstance(channel, dict) or op not in channel:
                    continue
                msg, ptr = self._resolve(channel[op].get("message"), self._child("", "channels", cname, op, "message"))
                if isinstance(msg, dict) and "oneOf" in msg:
                    for i, m in enumerate(msg["oneOf"]):
                        found.append((None, *self._resolve(m, self._child(ptr, "oneOf", i))))
                elif isinstance(msg, dict):
                    found.append((None, msg, ptr))
        return found

    def _parts(self, node, pointer, depth=0):
        """The schema and the schemas it combines with allOf, resolved: [(node, pointer)]."""
        node, pointer = self._resolve(node, pointer)
        out = [(node, pointer)]
        if isinstance(node, dict) and depth < 5:
            for i, part in enumerate(node.get("allOf") or []):
                out += self._parts(part, self._child(pointer, "allOf", i), depth + 1)
        return out

    def _collect(self):
        for key, msg, ptr in self._messages():
            if not isinstance(msg, dict) or "payload" not in msg:
                continue
            payload, pptr = self._resolve(msg.get("payload"), self._child(ptr, "payload"))
            types = set()
            for candidate in (msg.get("name"), msg.get("messageId"), msg.get("title"), key):
                if isinstance(candidate, str) and candidate.startswith("concord."):
                    types.add(candidate)
            # The payload is either the whole CloudEvent (its properties, or those of the schemas
            # it combines with allOf, name `data` or `specversion`), or the schema of `data` alone.
            envelope = False
            for node, _ in self._parts(payload, pptr):
                props = node.get("properties") if isinstance(node, dict) else None
                if not isinstance(props, dict):
                    continue
                if "data" in props or "specversion" in props:
                    envelope = True
                tnode, _ = self._resolve(props.get("type", {}), "")
                if isinstance(tnode, dict):
                    if isinstance(tnode.get("const"), str):
                        types.add(tnode["const"])
                    for t in tnode.get("enum") or []:
                        types.add(t)
            for t in types:
                self.schemas.setdefault(t, (pptr, envelope))

    def validator(self, event_type):
        """(validator, whole): `whole` when the schema is of the whole event, else of its data."""
        found = self.schemas.get(event_type)
        if found is None:
            return None
        ptr, envelope = found
        root = dict(self.doc)
        root["$ref"] = "#" + ptr
        return jsonschema.Draft7Validator(root, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER), envelope


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


def keys_in(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, f"{path}/{k}"
            yield from keys_in(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from keys_in(v, f"{path}/{i}")


def private_values(private_lines):
    """Every contact or travel value the private topic carries (the personal data itself)."""
    values = set()
    for rec in private_lines:
        data = (rec.get("event") or {}).get("data") or {}
        for field in ("contact", "travel"):
            for s in strings_in(data.get(field)):
                if len(s) >= 4:
                    values.add(s)
    return values


def check(contract, lines, private_lines=()):
    problems = []
    validators = {}
    secrets = private_values(private_lines)
    partition_of_key = {}
    last_sequence = {}  # (topic, key, subject) → (sequence, offset)
    ordered = sorted(lines, key=lambda r: (r.get("topic", ""), r.get("partition", 0), r.get("offset", 0)))
    for rec in ordered:
        where = f"{rec.get('topic')}/{rec.get('partition')}@{rec.get('offset')}"
        topic = rec.get("topic")
        if topic not in PUBLIC_TOPICS:
            problems.append(f"{where}: not one of the public topics")
            continue
        ev = rec.get("event")
        if not isinstance(ev, dict):
            problems.append(f"{where}: the value is not a JSON CloudEvent: {rec.get('raw', '')[:80]!r}")
            continue
        for attr in CE_REQUIRED:
            if attr not in ev:
                problems.append(f"{where}: CloudEvent attribute '{attr}' missing")
        if ev.get("specversion") != "1.0":
            problems.append(f"{where}: specversion is {ev.get('specversion')!r}, not '1.0'")
        etype = ev.get("type", "")
        if etype.startswith(("concord.delegations.member_contact", "concord.delegations.member_travel",
                             "concord.delegations.member_identity", "concord.delegations.member_invitation")):
            problems.append(f"{where}: private event type {etype} on a public topic")
        if contract is None:  # no AsyncAPI document yet: envelope, order and personal data only
            v = False
        elif etype not in validators:
            validators[etype] = contract.validator(etype)
            v = validators[etype]
        else:
            v = validators[etype]
        if v is False:
            pass
        elif v is None:
            problems.append(f"{where}: type {etype!r} is not documented in docs/asyncapi.yaml")
        else:
            validator, whole = v
            instance = ev if whole else ev.get("data")
            for err in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
                pointer = "/" + "/".join(str(p) for p in err.absolute_path)
                problems.append(f"{where}: {etype}: {'event' if whole else 'data'}{pointer}: {err.message[:200]}")
        # Order per key.
        key = rec.get("key")
        if key is None:
            problems.append(f"{where}: record without a key")
        else:
            pk = (topic, key)
            if partition_of_key.setdefault(pk, rec.get("partition")) != rec.get("partition"):
                problems.append(f"{where}: key {key} is spread over partitions {partition_of_key[pk]} and {rec.get('partition')}")
            seq = ev.get("sequence")
            if isinstance(seq, str) and seq.isdigit():
                seq = int(seq)
            sk = (topic, key, ev.get("subject"))
            if not isinstance(seq, int):
                problems.append(f"{where}: sequence {seq!r} is not an integer")
            elif sk in last_sequence and seq <= last_sequence[sk][0]:
                problems.append(f"{where}: {ev.get('subject')} sequence {seq} after {last_sequence[sk][0]} "
                                f"(offset {last_sequence[sk][1]}) within key {key}")
            else:
                last_sequence[sk] = (seq, rec.get("offset"))
        # Personal data.
        for name, path in keys_in(ev.get("data")):
            if name.lower() in PERSONAL_FIELDS:
                problems.append(f"{where}: {etype}: field data{path} looks like personal data")
        for s in strings_in(ev):
            if EMAIL.search(s):
                problems.append(f"{where}: {etype}: an e-mail address is published: {s[:80]!r}")
            if PHONE.search(s):
                problems.append(f"{where}: {etype}: a phone number is published: {s[:80]!r}")
            for secret in secrets:
                if secret in s:
                    problems.append(f"{where}: {etype}: a value of the private topic is published: {secret!r}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--asyncapi", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--private", help="the integrator's output for concord.delegations.private.v1")
    args = ap.parse_args()
    contract = Contract(args.asyncapi)
    lines = load_lines(args.events)
    private = load_lines(args.private) if args.private else []
    problems = check(contract, lines, private)
    for p in problems[:200]:
        print(f"check_events: {p}", file=sys.stderr)
    if problems:
        print(f"check_events: FAILED: {len(problems)} problems in {len(lines)} events", file=sys.stderr)
        return 1
    types = {r['event']['type'] for r in lines}
    print(f"check_events: {len(lines)} events of {len(types)} types: valid, in order per key, no personal data "
          f"({len(private)} private events, {len(private_values(private))} private values looked for)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
