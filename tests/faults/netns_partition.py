#!/usr/bin/env python3
"""A real network partition between Concord and both its servers: Kafka and Redis run in a
network namespace the test makes, reached over a veth link; `concord serve` runs outside it
under a steady write load. The link is taken down (packets vanish: no reset, no refusal, as a
broken switch or a dead node looks to TCP) and brought up again, twice.

Expected (issue 19): writes during the partition fail with 503 problem+json within the
configured timeouts, never 500, never hang; reads keep answering from memory; after the heal
writes succeed again without a restart (the time it takes is printed); after a restart, every
acknowledged write is in the log once.

Usage: netns_partition.py BIN_DIR
Needs root (ip netns, veth), iproute2, and what deploy/local/stack.sh needs. The namespace's
addresses are a /30 of 10.213.0.0/16 that only this link routes; the namespace and link are
removed at the end."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from harness import Load, all_delegation_ids, fail, free_ports, http, stop_processes, wait_for

BIN = sys.argv[1] if len(sys.argv) > 1 else ""
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
APPEND_TIMEOUT_S = 10  # the Kafka append's timeout; writes in a partition answer within it (+ slack)


def ip(*args, ns=None):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + ["ip", *args]
    subprocess.run(cmd, check=True, capture_output=True)


def main():
    if not BIN or not os.path.exists(os.path.join(BIN, "concord")):
        fail("usage: netns_partition.py BIN_DIR")
    if os.geteuid() != 0 or not shutil.which("ip"):
        print("netns_partition: SKIPPED: needs root and iproute2 to make a network namespace", file=sys.stderr)
        sys.exit(77)
    tag = os.getpid() % 10000
    ns, host_if, ns_if = f"concord-p{tag}", f"cph{tag}", f"cpn{tag}"
    third = tag % 250
    host_ip, ns_ip = f"10.213.{third}.1", f"10.213.{third}.2"
    work = tempfile.mkdtemp(prefix="concord-netns-partition-")
    stack_env = dict(os.environ, CONCORD_STACK_DIR=os.path.join(work, "stack"), CONCORD_STACK_HOST=ns_ip,
                     KAFKA_PORT="19092", KAFKA_CONTROLLER_PORT="19093", REDIS_PORT="16379")
    procs = []
    try:
        ip("netns", "add", ns)
        ip("link", "add", host_if, "type", "veth", "peer", "name", ns_if)
        ip("link", "set", ns_if, "netns", ns)
        ip("addr", "add", f"{host_ip}/30", "dev", host_if)
        ip("link", "set", host_if, "up")
        ip("addr", "add", f"{ns_ip}/30", "dev", ns_if, ns=ns)
        ip("link", "set", ns_if, "up", ns=ns)
        ip("link", "set", "lo", "up", ns=ns)  # the broker's controller listens on its loopback

        started = subprocess.run(["ip", "netns", "exec", ns, os.path.join(REPO, "deploy", "local", "stack.sh"), "start"],
                                 env=stack_env, capture_output=True, text=True)
        if started.returncode != 0:
            fail(f"the stack in the namespace did not start: {started.stderr[-2000:]}")
        servers = dict(line.split("=", 1) for line in started.stdout.split())

        api_ports = free_ports(4)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONCORD_")}
        env.update(CONCORD_DATA_DIR=os.path.join(work, "data"), CONCORD_ACCESS_LOG="false", CONCORD_LOG_LEVEL="error",
                   KAFKA_BROKERS=servers["KAFKA_BROKERS"], REDIS_URL=servers["REDIS_URL"],
                   CONCORD_REDIS_TIMEOUT="500ms", CONCORD_JWT_SECRET="netns-partition-secret-netns-partition-secret",
                   CONCORD_SCHEDULING_ADDR=f"127.0.0.1:{api_ports[0]}", CONCORD_DELEGATIONS_ADDR=f"127.0.0.1:{api_ports[1]}",
                   CONCORD_DOCUMENTS_ADDR=f"127.0.0.1:{api_ports[2]}", CONCORD_NOTIFICATIONS_ADDR=f"127.0.0.1:{api_ports[3]}",
                   CONCORD_CONSOLE_ADDR="127.0.0.1:0")
        log = open(os.path.join(work, "concord.log"), "wb")

        def serve():
            p = subprocess.Popen([os.path.join(BIN, "concord"), "serve"], env=env, stdout=log, stderr=log)
            procs.append(p)
            return p

        concord = serve()
        url = f"http://127.0.0.1:{api_ports[1]}"
        wait_for(lambda: http("GET", url + "/readyz", timeout=2)[0] == 200, "delegations", limit=90)
        token = subprocess.check_output([os.path.join(BIN, "concord"), "token", "--role", "protocol_officer", "--sub",
                                         "officer-netns"], env=env, text=True).strip()
        auth = {"Authorization": f"Bearer {token}"}

        load = Load(url, token)
        load.start()
        reads = {"failed": 0, "slowest": 0.0}
        heals = []

        def read_for(seconds):
            end = time.time() + seconds
            while time.time() < end:
                t0 = time.time()
                s, _ = http("GET", url + "/v1/delegations?limit=5", headers=auth, timeout=10)
                reads["slowest"] = max(reads["slowest"], time.time() - t0)
                reads["failed"] += s != 200
                time.sleep(0.2)

        load.phase = "baseline"
        read_for(3)
        for n in (1, 2):
            load.phase = f"partition {n}"
            ip("link", "set", host_if, "down")
            read_for(APPEND_TIMEOUT_S + 4)
            ip("link", "set", host_if, "up")
            healed_at = time.time()
            load.phase = f"after heal {n}"
            while time.time() - healed_at < 60:
                if any(p == load.phase and s == 201 for p, s, _, _ in load.results):
                    break
                time.sleep(0.05)
            first = next((time.time() - healed_at for p, s, _, _ in load.results if p == load.phase and s == 201), None)
            heals.append(first)
            read_for(3)
        load.stop.set()
        load.join(30)

        # The log is the truth: restart and read everything back.
        concord.terminate()
        concord.wait(30)
        procs.remove(concord)
        serve()
        wait_for(lambda: http("GET", url + "/readyz", timeout=2)[0] == 200, "delegations after a restart", limit=90)
        seen = all_delegation_ids(url, token)
        acked = [r[3] for r in load.results if r[3]]
        lost, dupes = set(acked) - set(seen), len(seen) - len(set(seen))

        bad = []
        phases = {}
        for phase, s, secs, _ in load.results:
            p = phases.setdefault(phase, {"writes": 0, "statuses": {}, "slowest": 0.0})
            p["writes"] += 1
            p["statuses"][s] = p["statuses"].get(s, 0) + 1
            p["slowest"] = max(p["slowest"], secs)
            if s not in (201, 503):
                bad.append(f"{phase}: a write answered {s}")
            if secs > APPEND_TIMEOUT_S + 5:
                bad.append(f"{phase}: a write took {secs:.1f} s")
        for name, p in phases.items():
            print(f"netns_partition: {name}: {p['writes']} writes {p['statuses']}, slowest {p['slowest'] * 1000:.0f} ms",
                  file=sys.stderr)
        for n, first in enumerate(heals, 1):
            print(f"netns_partition: heal {n}: "
                  + (f"writes acknowledged again {first * 1000:.0f} ms after the link came up" if first is not None
                     else "NO write acknowledged within 60 s"), file=sys.stderr)
            if first is None:
                bad.append(f"no recovery after heal {n}")
        # A write is counted in the phase it started in: the one under way when the link went
        # down belongs to the phase before, and its 503 is the partition's.
        for n, before in ((1, "baseline"), (2, "after heal 1")):
            refused = sum(phases.get(p, {}).get("statuses", {}).get(503, 0) for p in (before, f"partition {n}"))
            if not refused:
                bad.append(f"partition {n}: no write was refused with 503 (was the link really down?)")
        print(f"netns_partition: {len(acked)} writes acknowledged, {len(lost)} lost, {dupes} duplicated; reads: "
              f"{reads['failed']} failed, slowest {reads['slowest'] * 1000:.0f} ms", file=sys.stderr)
        if lost or dupes or reads["failed"] or bad:
            fail("; ".join(bad) or "see above")
        print("netns_partition: passed", file=sys.stderr)
    finally:
        stop_processes(procs, 15)
        subprocess.run(["ip", "netns", "exec", ns, os.path.join(REPO, "deploy", "local", "stack.sh"), "stop"],
                       env=stack_env, capture_output=True)
        subprocess.run(["ip", "link", "del", host_if], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
