"""Calendar feeds and browser stream tickets against `concord serve`, as their users meet them.

A calendar application (Python's icalendar, an independent RFC 5545 parser) subscribes to a
member's and an officer's feed address with no header at all, sees a rescheduling as the same
UID with a higher SEQUENCE, and gets 404 once the feed is revoked. A browser-like client opens
the notifications stream with a single-use ticket in the query (no header), receives a
notification, and is refused (401) when it reuses or lets the ticket expire. Last, no secret of
either kind is in any log line the process wrote.

Runs on the embedded default (file log, memory cache) and, when KAFKA_BROKERS and REDIS_URL are
set, once more on Kafka and Redis.

    feeds_and_tickets.py <bin dir> <repo dir>
"""
import http.client
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

import icalendar

BIN, REPO = sys.argv[1], pathlib.Path(sys.argv[2])
JWT_SECRET = "concord-e2e-feeds-secret-0123456789abcdef0123456789"
SECRET_HEX = re.compile(r"(cf|st)_([0-9a-f]{64})")


def say(text):
    print(f"feeds_and_tickets: {text}", file=sys.stderr, flush=True)


def token(role, sub, member_id=None, delegation_id=None):
    args = [os.path.join(BIN, "concord"), "token", "--role", role, "--sub", sub, "--ttl", "1h"]
    if member_id:
        args += ["--member-id", member_id, "--delegation-id", delegation_id]
    env = dict(os.environ, CONCORD_JWT_SECRET=JWT_SECRET)
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout.strip()


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None


def request(method, url, who=None, body=None, headers=None):
    """who=None sends no Authorization header at all, as a calendar application does."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if who:
        headers["Authorization"] = f"Bearer {who}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return Reply(r.status, r.headers, r.read().decode())
    except urllib.error.HTTPError as e:
        return Reply(e.code, e.headers, e.read().decode())


class Serve:
    """One `concord serve` on free ports; its stderr (every log line) kept in a file."""

    def __init__(self, label, distributed):
        self.label = label
        self.data = pathlib.Path(tempfile.mkdtemp(prefix=f"concord-feeds-{label}-"))
        ports = subprocess.run([str(REPO / "deploy/local/free-port.sh"), "4"], check=True, capture_output=True,
                               text=True).stdout.split()
        self.ports = dict(zip(("scheduling", "delegations", "documents", "notifications"), ports))
        env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BROKERS", "REDIS_URL")}
        if distributed:
            env["KAFKA_BROKERS"] = os.environ["KAFKA_BROKERS"]
            env["REDIS_URL"] = os.environ["REDIS_URL"]
        env.update({"CONCORD_DATA_DIR": str(self.data), "CONCORD_JWT_SECRET": JWT_SECRET,
                    "CONCORD_CONSOLE_ADDR": "127.0.0.1:0", "CONCORD_LOG_LEVEL": "debug"})
        for name, port in self.ports.items():
            env[f"CONCORD_{name.upper()}_ADDR"] = f"127.0.0.1:{port}"
        self.log_path = self.data / "stderr.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([os.path.join(BIN, "concord"), "serve"], env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 180
        for name in self.ports:
            while True:
                if self.proc.poll() is not None:
                    raise SystemExit(f"{label}: concord serve exited early:\n{self.log_path.read_text()[-3000:]}")
                try:
                    if request("GET", self.url(name, "/readyz")).status == 200:
                        break
                except OSError:
                    pass
                if time.time() > deadline:
                    raise SystemExit(f"{label}: {name} not ready within 180 s")
                time.sleep(0.1)

    def url(self, service, path):
        return f"http://127.0.0.1:{self.ports[service]}{path}"

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def log_lines(self):
        """Every line the process wrote, and any log file under its data directory."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        for p in self.data.rglob("*.log"):
            if p != self.log_path:
                lines += p.read_text(errors="replace").splitlines()
        return lines


def expect(reply, status, what):
    if reply.status != status:
        raise AssertionError(f"{what}: expected {status}, got {reply.status}: {reply.body[:500]}")
    return reply


def until(what, f, timeout=30):
    deadline = time.time() + timeout
    while True:
        r = f()
        if r:
            return r
        if time.time() > deadline:
            raise AssertionError(f"timed out: {what}")
        time.sleep(0.1)


def calendar_events(text):
    cal = icalendar.Calendar.from_ical(text.encode())
    assert str(cal["VERSION"]) == "2.0", "not an iCalendar 2.0 object"
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


class SseReader:
    """Reads a text/event-stream in a thread, as EventSource does: GET with no Authorization."""

    def __init__(self, port, path):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", path, headers={"Accept": "text/event-stream"})
        self.sock = self.conn.sock
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.text = ""
        self.lock = threading.Lock()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.text = self.resp.read().decode()

    def _read(self):
        try:
            while True:
                line = self.resp.fp.readline()
                if not line:
                    return
                with self.lock:
                    self.text += line.decode()
        except OSError:
            return

    def seen(self, what):
        with self.lock:
            return what in self.text

    def close(self):
        try:
            self.sock.shutdown(2)
        except OSError:
            pass
        self.conn.close()


def scenario(s):
    officer = token("protocol_officer", "officer-feeds")
    sched = lambda path: s.url("scheduling", path)
    visit = expect(request("POST", sched("/v1/visits"), officer, {
        "title": {"en": "Official visit to Minsk", "ru": "Официальный визит в Минск"}, "kind": "official_visit",
        "host_country": "BY", "guest_country": "KG", "starts_on": "2025-09-28", "ends_on": "2025-09-29",
        "time_zone": "Europe/Minsk"}), 201, "plan the visit").json["id"]
    delegation = expect(request("POST", s.url("delegations", "/v1/delegations"), officer, {
        "visit_id": visit, "country": "KG", "side": "guest", "name": {"en": "Delegation of Kyrgyzstan"}}),
        201, "register the delegation").json["id"]
    members = {}
    for key, rank, head in (("head", "head_of_government", True), ("minister", "minister", False)):
        members[key] = expect(request("POST", s.url("delegations", f"/v1/delegations/{delegation}/members"), officer, {
            "full_name": {"en": f"Kyrgyz {key}"}, "position": {"en": key}, "rank": rank, "is_head": head, "languages": ["ru", "en"],
            "time_zone": "Asia/Bishkek", "notifications": {"language": "en", "channels": ["inbox"]}}),
            201, f"add the {key}").json["id"]
    minister = token("delegation_member", "minister-feeds", members["minister"], delegation)
    head = token("delegation_member", "head-feeds", members["head"], delegation)

    def book(title, start, end, who):
        # Scheduling learns of members from the delegations topic: retried until it has.
        def attempt():
            r = request("POST", sched(f"/v1/visits/{visit}/meetings"), officer, {
                "title": {"en": title}, "kind": "expanded_format", "start": start, "end": end, "participants": who})
            return r if r.status == 201 else None
        return until(f"book {title}", attempt).json

    talks = book("Expanded talks", "2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", [members["head"], members["minister"]])
    book("Heads only", "2025-09-28T09:00:00Z", "2025-09-28T10:00:00Z", [members["head"]])

    # The minister's feed: their programme only, without any header.
    made = expect(request("POST", sched(f"/v1/visits/{visit}/calendar-feeds"), minister, {"label": "phone"}), 201,
                  "the minister makes a feed")
    mine = made.json
    assert mine["member_id"] == members["minister"] and mine["secret"].startswith("cf_")
    assert made.headers.get("Cache-Control") == "no-store"
    feed_url = sched(mine["path"])
    first = expect(request("GET", feed_url), 200, "the feed without a header")
    assert first.headers.get("Content-Type", "").startswith("text/calendar"), first.headers.get("Content-Type")
    events = calendar_events(first.body)
    uid = f"{talks['id']}@concord"
    assert list(events) == [uid], f"the minister's feed should hold only the talks: {list(events)}"
    assert int(events[uid]["SEQUENCE"]) == 0
    same = expect(request("GET", sched(f"/v1/visits/{visit}/programme.ics?member_id={members['minister']}"),
                          minister), 200, "programme.ics")
    assert same.body == first.body, "the feed and programme.ics differ"
    officers = expect(request("POST", sched(f"/v1/visits/{visit}/calendar-feeds"), officer, {}), 201,
                      "the officer makes a feed of the visit").json
    assert len(calendar_events(expect(request("GET", sched(officers["path"])), 200, "officer feed").body)) == 2
    assert expect(request("POST", sched(f"/v1/visits/{visit}/calendar-feeds"), minister,
                          {"member_id": members["head"]}), 403, "a feed of another's programme").json["status"] == 403
    integrator = token("integrator", "erp-feeds")
    expect(request("POST", sched(f"/v1/visits/{visit}/calendar-feeds"), integrator, {}), 403, "an integrator's feed")

    # The stream ticket, opened as EventSource would open it, then the talks move.
    ticket = expect(request("POST", s.url("notifications", "/v1/inbox/stream-tickets"), minister), 201,
                    "a stream ticket").json
    assert ticket["ticket"].startswith("st_")
    stream = SseReader(s.ports["notifications"], ticket["stream"])
    assert stream.status == 200, f"the ticket did not open the stream: {stream.status} {stream.text}"
    moved = expect(request("PATCH", sched(f"/v1/meetings/{talks['id']}"), officer,
                           {"start": "2025-09-28T11:00:00Z", "end": "2025-09-28T12:00:00Z"},
                           {"If-Match": f"\"{talks['version']}\""}), 200, "move the talks").json
    until("the move reaches the ticket's stream", lambda: stream.seen("event: notification") and
          stream.seen("rescheduled"))
    stream.close()
    reused = SseReader(s.ports["notifications"], ticket["stream"])
    assert reused.status == 401, f"a used ticket opened a stream: {reused.status}"
    assert json.loads(reused.text)["status"] == 401
    heads = expect(request("POST", s.url("notifications", "/v1/inbox/stream-tickets"), head), 201, "head's ticket").json
    other = SseReader(s.ports["notifications"], f"/v1/inbox/stream?member_id={members['minister']}&ticket={heads['ticket']}")
    assert other.status == 403, f"the head's ticket opened the minister's inbox: {other.status}"
    with_header = http.client.HTTPConnection("127.0.0.1", s.ports["notifications"], timeout=10)
    with_header.request("GET", "/v1/inbox/stream", headers={"Authorization": f"Bearer {minister}"})
    assert with_header.getresponse().status == 200, "the Authorization header no longer opens the stream"
    with_header.close()

    # The calendar application sees the move: same UID, higher SEQUENCE, the new start.
    after = calendar_events(expect(request("GET", feed_url), 200, "the feed after the move").body)
    assert int(after[uid]["SEQUENCE"]) == moved["version"] - 1 > 0
    assert after[uid]["DTSTART"].dt.isoformat() == "2025-09-28T11:00:00+00:00", after[uid]["DTSTART"].dt

    # Revoked: 404 problem+json at once.
    listed = expect(request("GET", sched(f"/v1/visits/{visit}/calendar-feeds"), minister), 200, "list").json["items"]
    assert [f["id"] for f in listed] == [mine["id"]] and "secret" not in listed[0]
    expect(request("DELETE", sched(f"/v1/calendar-feeds/{mine['id']}"), minister), 204, "revoke")
    gone = expect(request("GET", feed_url), 404, "the revoked feed")
    assert gone.headers.get("Content-Type") == "application/problem+json"
    return [mine["secret"], officers["secret"], ticket["ticket"], heads["ticket"]]


def run(label, distributed):
    say(f"{label}: concord serve")
    s = Serve(label, distributed)
    try:
        secrets = scenario(s)
    finally:
        s.stop()
    lines = s.log_lines()
    requests_logged = [l for l in lines if '"msg":"request"' in l]
    assert any("/v1/calendar-feeds/cf_REDACTED/programme.ics" in l for l in requests_logged), \
        "the feed requests are not in the access log: the check below would prove nothing"
    assert any("/v1/inbox/stream" in l for l in requests_logged), "the stream requests are not in the access log"
    for secret in secrets:
        hexpart = secret[3:]
        leaked = [l for l in lines if hexpart in l or hexpart[:16] in l]
        assert not leaked, f"{label}: a secret is in the log: {leaked[0][:300]}"
    say(f"{label}: passed ({len(lines)} log lines, {len(requests_logged)} requests, no secret in any)")
    shutil.rmtree(s.data, ignore_errors=True)


run("embedded", False)
if os.environ.get("KAFKA_BROKERS") and os.environ.get("REDIS_URL"):
    run("kafka-redis", True)
else:
    say("KAFKA_BROKERS and REDIS_URL unset: the Kafka and Redis run is left out")
print(f"feeds_and_tickets: passed (icalendar {icalendar.__version__})")
