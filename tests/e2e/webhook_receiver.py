"""The webhook receiver example against `concord serve` (embedded default), as an integrator
without Kafka runs it.

An integrator subscribes a webhook for the scheduling events and starts the example receiver
with the secret it was given. An officer's change reaches the receiver verified. Hand-made
deliveries are judged as the specification says: a correctly signed one is accepted once and a
replay of it dropped; a forged, a stale, a chunked and a non-POST one refused with the documented
status. After the integrator rotates the secret, the receiver still holding only the old secret
keeps verifying (both secrets sign during the grace), and so does one restarted with the new
secret alone. Every event the receiver printed has a distinct webhook-id.

    webhook_receiver.py <bin dir> <repo dir>
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import pathlib
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

BIN, REPO = sys.argv[1], pathlib.Path(sys.argv[2])
sys.path.insert(0, str(REPO / "tests" / "faults"))
from harness import fail, free_ports, stop_processes, wait_for  # noqa: E402
from harness import http as call  # noqa: E402

JWT_SECRET = "concord-e2e-webhook-receiver-secret-0123456789abcdef"


def say(text):
    print(f"webhook_receiver: {text}", file=sys.stderr, flush=True)


def token(role, sub):
    env = dict(os.environ, CONCORD_JWT_SECRET=JWT_SECRET)
    return subprocess.run([os.path.join(BIN, "concord"), "token", "--role", role, "--sub", sub, "--ttl", "1h"],
                          check=True, capture_output=True, text=True, env=env).stdout.strip()


class Receiver:
    """The example binary; the JSON lines it prints arrive on `events`."""

    def __init__(self, port, secrets, log):
        self.port = port
        self.events = queue.Queue()
        self.proc = subprocess.Popen([os.path.join(BIN, "concord-webhook-receiver"), "--port", str(port)],
                                     env=dict(os.environ, WEBHOOK_SECRETS=" ".join(secrets)),
                                     stdout=subprocess.PIPE, stderr=log, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        wait_for(lambda: self._answers(), "the receiver", limit=10)

    def _read(self):
        for line in self.proc.stdout:
            self.events.put(json.loads(line))

    def _answers(self):
        return self.post("/", b"", {}, method="GET")[0] == 405

    def post(self, path, body, headers, method="POST"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        answer = (r.status, r.read())
        conn.close()
        return answer

    def next_event(self, what, limit=20):
        try:
            return self.events.get(timeout=limit)
        except queue.Empty:
            fail(f"the receiver printed no event for {what} within {limit} s")

    def nothing_more(self, what, wait=1.5):
        try:
            extra = self.events.get(timeout=wait)
        except queue.Empty:
            return
        fail(f"{what}, yet the receiver printed {extra}")


def signed(secret, wid, ts, body, signature=None):
    key = base64.b64decode(secret[len("whsec_"):])
    mac = hmac.new(key, f"{wid}.{ts}.".encode() + body, hashlib.sha256).digest()
    return {"webhook-id": wid, "webhook-timestamp": str(ts),
            "webhook-signature": signature or "v1," + base64.b64encode(mac).decode(),
            "Content-Type": "application/cloudevents+json; charset=utf-8"}


def main():
    data = pathlib.Path(tempfile.mkdtemp(prefix="concord-webhook-receiver-"))
    log = open(data / "processes.log", "ab")
    procs = []
    ports = free_ports(5)
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BROKERS", "REDIS_URL")}
    env.update(CONCORD_DATA_DIR=str(data / "concord"), CONCORD_JWT_SECRET=JWT_SECRET,
               CONCORD_WEBHOOK_ALLOW_PRIVATE="true", CONCORD_WEBHOOK_RETRY_SCHEDULE="1s,1s,1s,1s,1s,1s,1s,1s",
               CONCORD_SCHEDULING_ADDR=f"127.0.0.1:{ports[0]}", CONCORD_DELEGATIONS_ADDR=f"127.0.0.1:{ports[1]}",
               CONCORD_DOCUMENTS_ADDR=f"127.0.0.1:{ports[2]}", CONCORD_NOTIFICATIONS_ADDR=f"127.0.0.1:{ports[3]}",
               CONCORD_CONSOLE_ADDR="127.0.0.1:0")
    try:
        procs.append(subprocess.Popen([os.path.join(BIN, "concord"), "serve"], env=env, stdout=log, stderr=log))
        scheduling, notifications = f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[3]}"
        for url in (scheduling, notifications):
            wait_for(lambda: call("GET", url + "/readyz")[0] == 200, url)
        officer = {"Authorization": "Bearer " + token("protocol_officer", "officer-webhooks")}
        integrator = {"Authorization": "Bearer " + token("integrator", "erp-webhooks")}

        status, hook = call("POST", notifications + "/v1/webhooks",
                            {"url": f"http://127.0.0.1:{ports[4]}/concord", "event_types": ["concord.scheduling.*"]},
                            integrator)
        if status != 201 or not hook.get("secret", "").startswith("whsec_"):
            fail(f"subscribing the webhook: {status} {hook}")
        old_secret = hook["secret"]
        receiver = Receiver(ports[4], [old_secret], log)
        procs.append(receiver.proc)

        def venue(name):
            s, v = call("POST", scheduling + "/v1/venues", {"name": name, "city": "Minsk", "address": "Praspiekt 1",
                                                           "time_zone": "Europe/Minsk", "capacity": 40}, officer)
            if s != 201:
                fail(f"creating a venue: {s} {v}")
            return v["id"]

        first = venue("Palace of Independence")
        event = receiver.next_event("the first venue")["event"]
        if not event["type"].startswith("concord.scheduling.venue.") or first not in json.dumps(event):
            fail(f"the receiver printed another event: {event}")
        say(f"an officer's change arrived verified: {event['type']}")

        body = json.dumps({"specversion": "1.0", "id": "hand-made-1", "source": "/concord/scheduling",
                           "type": "concord.scheduling.venue.updated", "data": {}}).encode()
        now = int(time.time())
        checks = [
            ("signed", body, signed(old_secret, "msg-hand-1", now, body), 204),
            ("the same delivery again (a retry)", body, signed(old_secret, "msg-hand-1", now, body), 204),
            ("forged", body, signed("whsec_" + base64.b64encode(b"not-the-secret").decode(), "msg-hand-2", now, body), 401),
            ("tampered", body.replace(b"updated", b"deleted"), signed(old_secret, "msg-hand-3", now, body), 401),
            ("stale", body, signed(old_secret, "msg-hand-4", now - 600, body), 401),
            ("unsigned", body, {"webhook-id": "msg-hand-5"}, 401),
            ("chunked", body, dict(signed(old_secret, "msg-hand-6", now, body), **{"Transfer-Encoding": "chunked"}), 501),
        ]
        for what, payload, headers, expected in checks:
            if what == "chunked":  # http.client would frame it itself: send the bytes by hand
                s = raw_chunked(ports[4], headers, payload)
            else:
                s, answer = receiver.post("/concord", payload, headers)
            if s != expected:
                fail(f"a {what} delivery got {s}, expected {expected}")
        printed = receiver.next_event("the signed hand-made delivery")
        if printed["webhook_id"] != "msg-hand-1":
            fail(f"expected the hand-made delivery, got {printed}")
        receiver.nothing_more("a replayed, forged, tampered, stale, unsigned or chunked delivery was sent")
        say("hand-made deliveries: signed accepted once, replay dropped, forged/tampered/stale/unsigned 401, chunked 501")

        status, rotated = call("POST", notifications + f"/v1/webhooks/{hook['id']}/rotate-secret", {}, integrator)
        if status != 200 or rotated.get("secret") in (None, old_secret):
            fail(f"rotating the secret: {status} {rotated}")
        second = venue("Minsk Arena")
        event = receiver.next_event("a venue after the rotation (receiver on the old secret)")["event"]
        if second not in json.dumps(event):
            fail(f"expected the second venue, got {event}")
        stop_processes([receiver.proc])
        receiver = Receiver(ports[4], [rotated["secret"]], log)
        procs.append(receiver.proc)
        third = venue("National Library")
        event = receiver.next_event("a venue after the rotation (receiver on the new secret)")["event"]
        if third not in json.dumps(event):
            fail(f"expected the third venue, got {event}")
        say("through the rotation: verified with the old secret during the grace, and with the new one")
        say("passed")
    finally:
        stop_processes(procs)
        log.close()
        if os.environ.get("CONCORD_E2E_KEEP") != "1":
            shutil.rmtree(data, ignore_errors=True)


def raw_chunked(port, headers, payload):
    import socket
    head = "POST /concord HTTP/1.1\r\nHost: receiver\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    chunk = f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head.encode() + b"\r\n" + chunk)
        answer = s.recv(4096).decode(errors="replace")
    return int(answer.split(" ", 2)[1])


if __name__ == "__main__":
    main()
