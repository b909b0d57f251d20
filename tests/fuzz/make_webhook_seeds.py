#!/usr/bin/env python3
"""Writes the seed corpus of the webhook_receiver fuzz target: deliveries signed as Concord signs
them (Standard Webhooks), with the secret and time fuzz_webhook_receiver.cpp verifies with, and a
few near misses. Run from the repository root: python3 tests/fuzz/make_webhook_seeds.py"""
import base64
import hashlib
import hmac
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "whsec_" + base64.b64encode(b"concord-fuzz-webhook-secret").decode()
OLD_SECRET = "whsec_" + base64.b64encode(b"the-secret-before-rotation").decode()
NOW = 1767225600


def sign(secret, wid, ts, body):
    key = base64.b64decode(secret[len("whsec_"):])
    mac = hmac.new(key, f"{wid}.{ts}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def request(body, wid="evt_0193a1b2c3d4", ts=NOW, signature=None, extra=b"", method=b"POST"):
    sig = signature if signature is not None else sign(SECRET, wid, ts, body)
    head = (method + b" /concord/webhooks HTTP/1.1\r\nHost: erp.example.org\r\n"
            b"Content-Type: application/cloudevents+json; charset=utf-8\r\n"
            + f"webhook-id: {wid}\r\nwebhook-timestamp: {ts}\r\nwebhook-signature: {sig}\r\n".encode()
            + f"Content-Length: {len(body)}\r\n".encode() + extra + b"\r\n")
    return head + body


event = json.dumps({"specversion": "1.0", "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
                    "source": "/concord/scheduling", "type": "concord.scheduling.meeting.scheduled",
                    "time": "2026-01-01T00:00:00Z", "subject": "mtg-1", "datacontenttype": "application/json",
                    "data": {"meeting": {"id": "mtg-1", "title": {"ru": "Переговоры", "ky": "Сүйлөшүүлөр"}}}},
                   ensure_ascii=False).encode()
body = event
SEEDS = {
    "valid": request(body),
    "rotation_two_signatures": request(body, signature=sign(OLD_SECRET, "evt_0193a1b2c3d4", NOW, body) + " "
                                       + sign(SECRET, "evt_0193a1b2c3d4", NOW, body)),
    "stale": request(body, ts=NOW - 301),
    "tampered": request(body.replace(b"mtg-1", b"mtg-2", 1), signature=sign(SECRET, "evt_0193a1b2c3d4", NOW, body)),
    "secret_from_input": request(body, extra=f"x-secret: {SECRET}\r\n".encode()),
    "chunked": request(body, extra=b"Transfer-Encoding: chunked\r\n"),
    "two_lengths": request(body, extra=b"Content-Length: 3\r\n"),
    "pipelined": request(b"{}") + request(body),
    "get": request(b"", method=b"GET"),
}

out = os.path.join(HERE, "seeds", "webhook_receiver")
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"wrote {len(SEEDS)} seeds to tests/fuzz/seeds/webhook_receiver")
