"""Hot standbys and writer failover on the real broker (DESIGN §7, Availability): three
concord-delegations processes of one service, one writer elected through Kafka's group
membership, under a steady write load from a client that sends each write to any replica and
retries it (same Idempotency-Key) on 503 or a refused connection.

  1. SIGKILL the writer: a standby becomes the writer and writes within 10 s (the gap is
     printed); the killed process, restarted, joins as a standby.
  2. SIGSTOP the writer: a standby takes over; the stopped process, woken (SIGCONT) after that,
     is fenced: it writes nothing (no write appears twice in the log) and becomes a standby.
  Before those: a write sent to a standby is forwarded (its answer carries ETag, Location and
     Concord-Position), a read with that Concord-Min-Position on the other standby answers with it,
     a malformed one 400, one out of reach 503 with Retry-After, and a forwarded write reaching
     a standby 503.
  3. A rolling restart of all three (SIGTERM, restart, wait until ready, next): the longest
     write gap is printed (goal under 5 s).
Then every acknowledged write is in the topic exactly once (read back with concord-integrator),
and no write at all is in it twice.

Usage: writer_failover.py BIN_DIR   (starts its own Kafka and Redis with deploy/local/stack.sh on
free loopback ports; Redis holds the Idempotency-Key records every replica shares)."""
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from harness import fail, free_ports, http, wait_for

BIN = sys.argv[1] if len(sys.argv) > 1 else ""
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOPIC = "concord.delegations.v1"
SESSION = "2s"  # the election's session timeout (the default is 6 s, the broker's usual minimum)


def say(msg):
    print(f"writer_failover: {msg}", file=sys.stderr, flush=True)


class Replica:
    def __init__(self, index, port, env, work):
        self.index, self.port, self.work = index, port, work
        self.url = f"http://127.0.0.1:{port}"
        self.env = dict(env, CONCORD_DELEGATIONS_ADDR=f"127.0.0.1:{port}",
                        CONCORD_DATA_DIR=os.path.join(work, f"data{index}"))
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        env = dict(self.env, CONCORD_INSTANCE=f"replica{self.index}-{self.starts}")
        log = open(os.path.join(self.work, f"replica{self.index}.log"), "ab")
        self.proc = subprocess.Popen([os.path.join(BIN, "concord-delegations")], env=env, stdout=log, stderr=log,
                                     stdin=subprocess.DEVNULL)

    def readyz(self):
        try:
            s, doc = http("GET", self.url + "/readyz", timeout=2)
        except (urllib.error.URLError, OSError):
            return None
        return doc if isinstance(doc, dict) else None

    def role(self):
        doc = self.readyz()
        return (doc or {}).get("checks", {}).get("role")

    def ready(self):
        doc = self.readyz()
        return bool(doc) and doc.get("status") == "ready"

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


class Load(threading.Thread):
    """One write after another, each sent to the next replica in turn and retried with the same
    Idempotency-Key on 503, 409 (the key still in flight on the writer it reached) and connection
    errors, on the next replica, until acknowledged (201, or 200 answered from the log: the
    writer that committed it died before answering) or given up after 30 s (then its outcome is
    unknown: it may be in the log once, never twice)."""

    def __init__(self, urls, token, run):
        super().__init__(daemon=True)
        self.urls, self.token, self.run_id = urls, token, run
        self.stop = threading.Event()
        self.acked = []      # (time acknowledged, key, id)
        self.abandoned = []  # keys given up
        self.n = 0
        self.statuses = collections.Counter()
        self.from_log = 0  # acknowledged by a new writer from the log (200, "committed")

    def run(self):
        turn = 0
        while not self.stop.is_set():
            self.n += 1
            key = f"{self.run_id}-{self.n}"
            body = {"visit_id": f"0190a1b2-0000-7000-8000-{self.n:012d}", "country": "KG", "side": "guest",
                    "name": {"en": f"Failover {key}"}}
            first = time.time()
            while True:
                url = self.urls[turn % len(self.urls)]
                turn += 1
                try:
                    s, doc = http("POST", url + "/v1/delegations", body,
                                  {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key}, timeout=2)
                except (urllib.error.URLError, OSError):
                    s, doc = 0, None
                self.statuses[s] += 1
                if s == 201:
                    self.acked.append((time.time(), key, doc["id"]))
                    break
                if s == 200 and isinstance(doc, dict) and doc.get("status") == "committed":
                    subject = doc["events"][0]["subject"]  # delegation/<id>
                    self.acked.append((time.time(), key, subject.split("/", 1)[1]))
                    self.from_log += 1
                    break
                if s not in (0, 409, 500, 502, 503, 504):
                    fail(f"write {key} answered {s}: {doc}")
                if time.time() - first > 30:
                    self.abandoned.append(key)
                    break
                time.sleep(0.05)
            time.sleep(0.02)

    def gap_around(self, t0, t1):
        """The longest time without an acknowledgement between t0 and t1."""
        times = [t0] + [t for t, _, _ in self.acked if t0 <= t <= t1] + [t1]
        return max(b - a for a, b in zip(times, times[1:]))

    def first_ack_after(self, t):
        for at, _, _ in self.acked:
            if at > t:
                return at
        return None


def http_with_headers(method, url, body=None, headers=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers=dict(headers or {}, **{"Content-Type": "application/json"}))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None, r.headers
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = raw.decode(errors="replace")
        return e.code, doc, e.headers


def wait_writer(replicas, exclude=(), limit=30):
    deadline = time.time() + limit
    while time.time() < deadline:
        for r in replicas:
            if r not in exclude and r.alive() and r.role() == "writer":
                return r
        time.sleep(0.05)
    fail(f"no writer among the replicas within {limit} s")


def acks_since(load, t):
    return sum(1 for at, _, _ in load.acked if at > t)


def wait_acks(load, t, n, what, limit=30):
    wait_for(lambda: acks_since(load, t) >= n, what, limit)


def main():
    if not BIN or not os.path.exists(os.path.join(BIN, "concord-delegations")):
        fail("usage: writer_failover.py BIN_DIR")
    work = tempfile.mkdtemp(prefix="concord-writer-failover-")
    kafka_port, controller_port, redis_port, *ports = free_ports(6)
    stack_env = dict(os.environ, CONCORD_STACK_DIR=os.path.join(work, "stack"), KAFKA_PORT=str(kafka_port),
                     KAFKA_CONTROLLER_PORT=str(controller_port), REDIS_PORT=str(redis_port))
    replicas = []
    load = None
    stack = None
    try:
        t0 = time.time()
        out = subprocess.check_output([os.path.join(REPO, "deploy", "local", "stack.sh"), "start"], env=stack_env,
                                      text=True)
        stack = stack_env
        for line in out.splitlines():
            line = line.replace("export ", "")
            if "=" in line:
                k, v = line.split("=", 1)
                stack_env[k] = v.strip().strip("'\"")
        say(f"Kafka and Redis up in {time.time() - t0:.0f} s")
        env = dict(os.environ, KAFKA_BROKERS=stack_env["KAFKA_BROKERS"], REDIS_URL=stack_env["REDIS_URL"],
                   CONCORD_ACCESS_LOG="false", CONCORD_LOG_LEVEL="info", CONCORD_ELECTION_SESSION_TIMEOUT=SESSION,
                   CONCORD_JWT_SECRET="writer-failover-secret-writer-failover-secret")
        replicas = [Replica(i, p, env, work) for i, p in enumerate(ports)]
        for r in replicas:
            r.start()
        for r in replicas:
            wait_for(r.ready, f"replica {r.index}", limit=90)
        writer = wait_writer(replicas)
        roles = {r.index: r.role() for r in replicas}
        say(f"three replicas ready; roles {roles}")
        if sorted(roles.values()) != ["standby", "standby", "writer"]:
            fail(f"expected one writer and two standbys, got {roles}")
        token = subprocess.check_output([os.path.join(BIN, "concord"), "token", "--role", "protocol_officer", "--sub",
                                         "officer-failover"], env=env, text=True).strip()

        # A write to a standby is forwarded to the writer; a read on a standby is served there.
        standby = next(r for r in replicas if r is not writer)
        s, doc, headers = http_with_headers(
            "POST", standby.url + "/v1/delegations",
            {"visit_id": "0190a1b2-0000-7000-8000-000000000000", "country": "KG", "side": "guest",
             "name": {"en": "Forwarded"}}, {"Authorization": f"Bearer {token}"})
        if s != 201:
            fail(f"a write sent to a standby answered {s}: {doc}")
        forwarded_id = doc["id"]
        position = headers.get("Concord-Position")
        if not position or not headers.get("ETag") or not headers.get("Location"):
            fail(f"the forwarded write's answer lacks Concord-Position, ETag or Location: {dict(headers)}")
        # Read-your-writes: the other standby, asked with the position, answers with the write in it.
        other = next(r for r in replicas if r is not writer and r is not standby)
        s, doc, _ = http_with_headers("GET", f"{other.url}/v1/delegations/{forwarded_id}",
                                      headers={"Authorization": f"Bearer {token}", "Concord-Min-Position": position})
        if s != 200:
            fail(f"a read with Concord-Min-Position {position} on a standby answered {s}: {doc}")
        s, doc, _ = http_with_headers("GET", f"{other.url}/v1/delegations/{forwarded_id}",
                                      headers={"Authorization": f"Bearer {token}", "Concord-Min-Position": "nonsense"})
        if s != 400:
            fail(f"a malformed Concord-Min-Position answered {s}, not 400: {doc}")
        far = ",".join(f"{p.rsplit(':', 1)[0]}:{int(p.rsplit(':', 1)[1]) + 1000000}" for p in position.split(","))
        t0 = time.time()
        s, doc, headers = http_with_headers("GET", f"{other.url}/v1/delegations/{forwarded_id}",
                                            headers={"Authorization": f"Bearer {token}", "Concord-Min-Position": far})
        if s != 503 or not headers.get("Retry-After"):
            fail(f"a position the standby cannot reach answered {s} (Retry-After {headers.get('Retry-After')}), "
                 f"not 503 with Retry-After: {doc}")
        say(f"read-your-writes: the forwarded write answered Concord-Position {position}; a standby read with it "
            f"answered 200; one with a position out of reach 503 after {time.time() - t0:.2f} s")
        wait_for(lambda: all(http("GET", f"{r.url}/v1/delegations/{forwarded_id}",
                                  headers={"Authorization": f"Bearer {token}"})[0] == 200 for r in replicas),
                 "the forwarded write on every replica (standbys follow the topic)", limit=10)
        s, doc = http("POST", standby.url + "/v1/delegations", {"visit_id": "x"},
                      {"Authorization": f"Bearer {token}", "Concord-Forwarded": "loop"})
        if s != 503:
            fail(f"a forwarded write reaching a standby answered {s}, not 503: {doc}")
        say("a write sent to a standby was forwarded to the writer and is read on every replica; "
            "a forwarded write reaching a standby answers 503")

        run_id = f"fo{int(time.time())}"
        load = Load([r.url for r in replicas], token, run_id)
        load.start()
        wait_acks(load, 0, 20, "the first writes")

        # 1. SIGKILL the writer.
        writer = wait_writer(replicas)
        killed_at = time.time()
        writer.proc.send_signal(signal.SIGKILL)
        writer.proc.wait()
        new_writer = wait_writer(replicas, exclude=(writer,))
        wait_acks(load, killed_at, 10, "writes after the writer was killed")
        first = load.first_ack_after(killed_at + 0.001)
        gap = load.gap_around(killed_at - 1, time.time())
        say(f"SIGKILL: replica {writer.index} killed; replica {new_writer.index} is the writer; first write "
            f"acknowledged {first - killed_at:.2f} s after the kill; longest write gap {gap:.2f} s")
        if first - killed_at > 10:
            fail(f"no write for {first - killed_at:.1f} s after the writer was killed (more than 10 s)")
        writer.start()
        wait_for(writer.ready, f"the killed replica {writer.index} restarted", limit=60)
        if writer.role() != "standby":
            fail(f"the restarted replica is {writer.role()}, not a standby")
        say(f"the killed replica {writer.index}, restarted, joined as a standby")

        # 2. SIGSTOP the writer, let another take over, wake it up.
        writer = wait_writer(replicas)
        stopped_at = time.time()
        writer.proc.send_signal(signal.SIGSTOP)
        new_writer = wait_writer(replicas, exclude=(writer,))
        wait_acks(load, stopped_at, 10, "writes after the writer was stopped")
        first = load.first_ack_after(stopped_at + 0.001)
        say(f"SIGSTOP: replica {writer.index} stopped; replica {new_writer.index} is the writer; first write "
            f"acknowledged {first - stopped_at:.2f} s after the stop; longest write gap "
            f"{load.gap_around(stopped_at - 1, time.time()):.2f} s")
        if first - stopped_at > 10:
            fail(f"no write for {first - stopped_at:.1f} s after the writer was stopped (more than 10 s)")
        woken_at = time.time()
        writer.proc.send_signal(signal.SIGCONT)
        wait_for(lambda: writer.role() == "standby", f"the woken replica {writer.index} a standby", limit=30)
        wait_acks(load, woken_at, 20, "writes after the zombie woke up")
        if new_writer.role() != "writer":
            fail(f"the writer lost its role to the woken zombie: {new_writer.role()}")
        say(f"the woken zombie (replica {writer.index}) is a standby; replica {new_writer.index} still writes")

        # 3. A rolling restart under the load: standbys first, the writer last.
        rolling_from = time.time()
        order = sorted(replicas, key=lambda r: r.role() == "writer")
        for r in order:
            was = r.role()
            r.proc.send_signal(signal.SIGTERM)
            try:
                r.proc.wait(30)
            except subprocess.TimeoutExpired:
                fail(f"replica {r.index} did not stop within 30 s of SIGTERM")
            r.start()
            wait_for(r.ready, f"replica {r.index} after its restart", limit=60)
            say(f"rolling restart: replica {r.index} ({was}) restarted, now {r.role()}")
        wait_writer(replicas)
        wait_acks(load, time.time(), 10, "writes after the rolling restart")
        say(f"rolling restart: longest write gap {load.gap_around(rolling_from, time.time()):.2f} s (goal under 5 s)")

        load.stop.set()
        load.join(40)

        # Every acknowledged write exactly once in the log; none twice.
        lines = subprocess.run([os.path.join(BIN, "concord-integrator"), "--brokers", stack_env["KAFKA_BROKERS"],
                                "--topic", TOPIC], capture_output=True, text=True, timeout=120, check=True).stdout
        by_name = collections.Counter()
        for line in lines.splitlines():
            rec = json.loads(line)
            ev = rec["event"]
            if ev.get("type") != "concord.delegations.delegation.registered":
                continue
            name = ((ev.get("data", {}).get("delegation") or {}).get("name") or {}).get("en", "")
            if name.startswith(f"Failover {run_id}-"):
                by_name[name[len("Failover "):]] += 1
        twice = [k for k, n in by_name.items() if n > 1]
        missing = [k for _, k, _ in load.acked if by_name[k] != 1]
        say(f"{len(load.acked)} writes acknowledged ({load.from_log} answered from the log by a new writer), "
            f"{len(load.abandoned)} given up, {sum(by_name.values())} in the log; answers {dict(load.statuses)}")
        if twice:
            fail(f"{len(twice)} writes are in the log twice (a zombie wrote?): {twice[:5]}")
        if missing:
            fail(f"{len(missing)} acknowledged writes are not in the log exactly once: {missing[:5]}")
        say("PASS: every acknowledged write is in the log exactly once, none twice")
    finally:
        if load:
            load.stop.set()
        for r in replicas:
            if r.alive():
                try:
                    r.proc.send_signal(signal.SIGCONT)
                    r.proc.terminate()
                    r.proc.wait(20)
                except subprocess.TimeoutExpired:
                    r.proc.kill()
        if stack:
            subprocess.run([os.path.join(REPO, "deploy", "local", "stack.sh"), "stop"], env=stack,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
