"""What the fault scripts share: free loopback ports, failing with the script's name, a JSON
HTTP call, the Toxiproxy server (go-installed once into ~/.cache/concord/tools, or
TOXIPROXY_SERVER), waiting for a condition, a steady write load of delegations, reading every
delegation back, and stopping what a script started."""
import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

TOOLS = os.path.expanduser("~/.cache/concord/tools")
# The running script's name, for its messages: "redis_partition", "full_disk", ...
NAME = os.path.splitext(os.path.basename(sys.argv[0]))[0]


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def fail(msg):
    print(f"{NAME}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def http(method, url, body=None, headers=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}, **{"Content-Type": "application/json"}))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            try:
                return r.status, json.loads(raw) if raw else None
            except ValueError:
                return r.status, raw.decode(errors="replace")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")


def toxiproxy_server():
    exe = os.environ.get("TOXIPROXY_SERVER") or os.path.join(TOOLS, "server")
    if os.path.exists(exe):
        return exe
    if not shutil.which("go"):
        print(f"{NAME}: SKIPPED: no Toxiproxy server and no Go toolchain to build it", file=sys.stderr)
        sys.exit(77)
    os.makedirs(TOOLS, exist_ok=True)
    # One installer at a time: tests/prefetch.sh may be building it while a test asks for it.
    with open(os.path.join(TOOLS, "toxiproxy.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(exe):
            print(f"{NAME}: installing Toxiproxy v2.5.0 (once)", file=sys.stderr)
            subprocess.check_call(["go", "install", "github.com/Shopify/toxiproxy/v2/cmd/server@v2.5.0"],
                                  env=dict(os.environ, GOBIN=TOOLS))
    return exe


def wait_for(check, what, limit=30):
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.05)
    fail(f"{what} not up within {limit} s")


class Load(threading.Thread):
    """Writes delegations one after another, each with its own Idempotency-Key."""

    def __init__(self, url, token):
        super().__init__(daemon=True)
        self.url, self.token = url, token
        self.phase = "baseline"
        self.results = []  # (phase, status, seconds, id or None)
        self.stop = threading.Event()
        self.n = 0

    def run(self):
        while not self.stop.is_set() and self.n < 5000:
            self.n += 1
            body = {"visit_id": f"0190a1b2-0000-7000-8000-{self.n:012d}", "country": "KG", "side": "guest",
                    "name": {"en": f"Delegation {self.n}"}}
            t0 = time.time()
            phase = self.phase
            try:
                s, doc = http("POST", self.url + "/v1/delegations", body,
                              {"Authorization": f"Bearer {self.token}", "Idempotency-Key": f"load-{self.n}"}, timeout=15)
            except (urllib.error.URLError, OSError) as e:
                s, doc = 0, str(e)
            self.results.append((phase, s, time.time() - t0, doc.get("id") if s == 201 and isinstance(doc, dict) else None))
            time.sleep(0.02)


def all_delegation_ids(url, token):
    """Every delegation id the service lists, page by page (the truth after a restart)."""
    seen, cursor = [], None
    while True:
        s, doc = http("GET", url + "/v1/delegations?limit=200" + (f"&cursor={cursor}" if cursor else ""),
                      headers={"Authorization": f"Bearer {token}"})
        if s != 200:
            fail(f"listing after the restart: {s} {doc}")
        seen += [d["id"] for d in doc["items"]]
        cursor = doc.get("next_cursor")
        if not cursor:
            return seen


def stop_processes(procs, wait=20):
    """SIGTERM, newest first; SIGKILL what has not ended after `wait` seconds."""
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(wait)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__" and sys.argv[1:] == ["--install"]:
    # tests/prefetch.sh: install the Toxiproxy server ahead of the fault tier.
    print(toxiproxy_server())
