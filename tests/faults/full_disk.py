#!/usr/bin/env python3
"""The file log on a full disk: `concord serve` with its data directory on a small tmpfs made by
this test. While the disk is full, writes fail with 503 problem+json at once, reads keep
answering from memory, and nothing already written is damaged; once space returns, writes
resume without a restart; after a restart every acknowledged write is there exactly once.

Needs root (mount). Usage: full_disk.py BIN_DIR   (CONCORD_BIN's directory of a build)"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from harness import fail, free_ports

BIN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CONCORD_BIN", "")
SKIP = 77


class Concord:
    def __init__(self, data):
        self.data = data
        self.ports = free_ports(4)
        self.proc = None
        self.url = f"http://127.0.0.1:{self.ports[1]}"  # delegations

    def start(self):
        env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BROKERS", "REDIS_URL")}
        env.update(CONCORD_DATA_DIR=self.data, CONCORD_ACCESS_LOG="false", CONCORD_LOG_LEVEL="warn",
                   CONCORD_JWT_SECRET="full-disk-test-secret-full-disk-test-secret",
                   CONCORD_SCHEDULING_ADDR=f"127.0.0.1:{self.ports[0]}",
                   CONCORD_DELEGATIONS_ADDR=f"127.0.0.1:{self.ports[1]}",
                   CONCORD_DOCUMENTS_ADDR=f"127.0.0.1:{self.ports[2]}",
                   CONCORD_NOTIFICATIONS_ADDR=f"127.0.0.1:{self.ports[3]}",
                   CONCORD_CONSOLE_ADDR="127.0.0.1:0")  # a console on 8080 elsewhere must not stop this one
        self.env = env
        self.stderr = open(os.path.join(tempfile.gettempdir(), f"concord-full-disk-{os.getpid()}.log"), "ab")
        self.proc = subprocess.Popen([os.path.join(BIN, "concord"), "serve"], env=env, stdout=self.stderr,
                                     stderr=self.stderr)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail(f"concord serve exited with {self.proc.returncode} (log: {self.stderr.name})")
            try:
                if urllib.request.urlopen(self.url + "/readyz", timeout=1).status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.05)
        else:
            fail("delegations not ready within 30 s")
        self.token = subprocess.check_output([os.path.join(BIN, "concord"), "token", "--role", "protocol_officer",
                                              "--sub", "officer-full-disk"], env=env, text=True).strip()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def call(self, method, path, body=None, timeout=10):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {self.token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.headers.get("Content-Type", ""), json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                doc = json.loads(raw)
            except ValueError:
                doc = raw.decode(errors="replace")
            return e.code, e.headers.get("Content-Type", ""), doc


def delegation(i):
    return {"visit_id": "0190a1b2-0000-7000-8000-0000000000aa", "country": "KG", "side": "guest",
            "name": {"en": f"Delegation {i} " + "x" * 400}}


def main():
    if not BIN or not os.path.exists(os.path.join(BIN, "concord")):
        fail("usage: full_disk.py BIN_DIR")
    if os.geteuid() != 0:
        print("full_disk: SKIPPED: mounting a small filesystem needs root", file=sys.stderr)
        sys.exit(SKIP)
    mnt = tempfile.mkdtemp(prefix="concord-full-disk-")
    subprocess.check_call(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt])
    concord = Concord(os.path.join(mnt, "data"))
    acked = {}  # id -> delegation index
    try:
        concord.start()
        # Visits of one delegation per country: each write registers a new visit's delegation.
        for i in range(20):
            body = delegation(i)
            body["visit_id"] = f"0190a1b2-0000-7000-8000-{i:012d}"
            s, _, doc = concord.call("POST", "/v1/delegations", body)
            if s != 201:
                fail(f"write {i} before the disk was full: {s} {doc}")
            acked[doc["id"]] = i
        # Fill what is left of the filesystem.
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        log_sizes = {p: os.path.getsize(os.path.join(mnt, "data", "log", "topics", p))
                     for p in os.listdir(os.path.join(mnt, "data", "log", "topics"))}
        refused = 0
        slowest = 0.0
        i = 20
        for _ in range(10):
            body = delegation(i)
            body["visit_id"] = f"0190a1b2-0000-7000-8000-{i:012d}"
            t0 = time.time()
            s, ctype, doc = concord.call("POST", "/v1/delegations", body)
            slowest = max(slowest, time.time() - t0)
            if s == 201:  # a record small enough to fit in the last free bytes
                acked[doc["id"]] = i
                i += 1
                continue
            if s not in (503, 507) or not ctype.startswith("application/problem+json"):
                fail(f"a write on a full disk answered {s} {ctype} {doc}")
            refused += 1
            i += 1
        if refused == 0:
            fail("no write was refused on a full disk")
        # Nothing already written is damaged: each refused write was cut back off its topic file.
        topics = os.path.join(mnt, "data", "log", "topics")
        after = {p: os.path.getsize(os.path.join(topics, p)) for p in os.listdir(topics)}
        grown = {p: (log_sizes.get(p), n) for p, n in after.items() if n != log_sizes.get(p)}
        if grown and refused == 10:
            fail(f"topic files changed while every write was refused: {grown}")
        print(f"full_disk: a refused write answers {s}: {doc.get('detail') if isinstance(doc, dict) else doc}",
              file=sys.stderr)
        # Reads keep answering from memory.
        for did in list(acked)[:5]:
            s, _, doc = concord.call("GET", f"/v1/delegations/{did}")
            if s != 200:
                fail(f"a read while the disk is full: {s} {doc}")
        s, _, doc = concord.call("GET", "/v1/delegations?limit=200")
        if s != 200:
            fail(f"a list while the disk is full: {s}")
        # Space returns: writes resume without a restart.
        os.remove(filler)
        t_free = time.time()
        resumed = None
        while time.time() - t_free < 30:
            body = delegation(i)
            body["visit_id"] = f"0190a1b2-0000-7000-8000-{i:012d}"
            s, _, doc = concord.call("POST", "/v1/delegations", body)
            i += 1
            if s == 201:
                acked[doc["id"]] = i - 1
                resumed = time.time() - t_free
                break
            time.sleep(0.1)
        if resumed is None:
            fail("writes did not resume within 30 s of space returning")
        for _ in range(5):
            body = delegation(i)
            body["visit_id"] = f"0190a1b2-0000-7000-8000-{i:012d}"
            s, _, doc = concord.call("POST", "/v1/delegations", body)
            if s != 201:
                fail(f"a write after space returned: {s} {doc}")
            acked[doc["id"]] = i
            i += 1
        # Restart: every acknowledged write is there exactly once; the log opens cleanly.
        concord.stop()
        concord.start()
        s, _, doc = concord.call("GET", "/v1/delegations?limit=200")
        if s != 200:
            fail(f"list after restart: {s}")
        ids = [d["id"] for d in doc["items"]]
        lost = [d for d in acked if d not in ids]
        dupes = len(ids) - len(set(ids))
        extra = [d for d in ids if d not in acked]
        print(f"full_disk: {len(acked)} writes acknowledged, {refused} refused with 503 while the disk was full "
              f"(slowest answer {slowest * 1000:.0f} ms), writes resumed {resumed * 1000:.0f} ms after space returned "
              f"without a restart; after a restart: {len(lost)} acknowledged writes lost, {dupes} duplicates, "
              f"{len(extra)} unacknowledged writes present", file=sys.stderr)
        if lost or dupes:
            fail(f"lost {lost}, duplicates {dupes}")
        if extra:
            fail(f"writes refused with 503 are in the log after a restart: {extra}")
        print("full_disk: passed", file=sys.stderr)
    finally:
        concord.stop()
        subprocess.call(["umount", "-l", mnt])
        shutil.rmtree(mnt, ignore_errors=True)


if __name__ == "__main__":
    main()
