#!/usr/bin/env python3
"""Redis behind Toxiproxy while `concord serve` takes a steady write load: 500 ms of latency,
a bandwidth limit, 20% of connections blackholed, a full partition (blackhole), a refused
connection (proxy disabled), then heal. Redis holds caches only (DESIGN §1), so through all of
it writes keep succeeding within the configured Redis timeout (no 5xx), reads keep answering,
nothing acknowledged is lost or duplicated, and the service reports its cache healthy again
after each heal without a restart. Prints each phase's answers and the recovery times.

Usage: redis_partition.py BIN_DIR
Needs redis-server and Toxiproxy's server (github.com/Shopify/toxiproxy/v2/cmd/server v2.5.0,
`go install`ed once into ~/.cache/concord/tools; TOXIPROXY_SERVER names another). Loopback only."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from harness import Load, all_delegation_ids, fail, free_ports, http, stop_processes, toxiproxy_server, wait_for

BIN = sys.argv[1] if len(sys.argv) > 1 else ""
REDIS_TIMEOUT_MS = 500


def main():
    if not BIN or not os.path.exists(os.path.join(BIN, "concord")):
        fail("usage: redis_partition.py BIN_DIR")
    if not shutil.which("redis-server"):
        fail("redis-server is missing (deploy/install-deps.sh installs it)")
    work = tempfile.mkdtemp(prefix="concord-redis-partition-")
    redis_port, proxy_port, api_port, *svc = free_ports(7)
    procs = []
    try:
        procs.append(subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([toxiproxy_server(), "-host", "127.0.0.1", "-port", str(api_port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        api = f"http://127.0.0.1:{api_port}"
        wait_for(lambda: http("GET", api + "/version")[0] == 200, "toxiproxy")
        s, doc = http("POST", api + "/proxies", {"name": "redis", "listen": f"127.0.0.1:{proxy_port}",
                                                  "upstream": f"127.0.0.1:{redis_port}", "enabled": True})
        if s not in (200, 201):
            fail(f"creating the proxy: {s} {doc}")
        env = {k: v for k, v in os.environ.items() if k != "KAFKA_BROKERS"}
        env.update(CONCORD_DATA_DIR=os.path.join(work, "data"), CONCORD_ACCESS_LOG="false", CONCORD_LOG_LEVEL="error",
                   REDIS_URL=f"redis://127.0.0.1:{proxy_port}", CONCORD_REDIS_TIMEOUT=f"{REDIS_TIMEOUT_MS}ms",
                   CONCORD_JWT_SECRET="redis-partition-secret-redis-partition-secret",
                   CONCORD_SCHEDULING_ADDR=f"127.0.0.1:{svc[0]}", CONCORD_DELEGATIONS_ADDR=f"127.0.0.1:{svc[1]}",
                   CONCORD_DOCUMENTS_ADDR=f"127.0.0.1:{svc[2]}", CONCORD_NOTIFICATIONS_ADDR=f"127.0.0.1:{svc[3]}",
                   CONCORD_CONSOLE_ADDR="127.0.0.1:0")
        log = open(os.path.join(work, "concord.log"), "wb")
        concord = subprocess.Popen([os.path.join(BIN, "concord"), "serve"], env=env, stdout=log, stderr=log)
        procs.append(concord)
        url = f"http://127.0.0.1:{svc[1]}"
        wait_for(lambda: http("GET", url + "/readyz", timeout=2)[0] == 200, "delegations")
        token = subprocess.check_output([os.path.join(BIN, "concord"), "token", "--role", "protocol_officer", "--sub",
                                         "officer-partition"], env=env, text=True).strip()

        def cache_state():
            s, doc = http("GET", url + "/readyz", timeout=5)
            return (doc or {}).get("checks", {}).get("cache") if isinstance(doc, dict) else None

        load = Load(url, token)
        load.start()
        recoveries = {}
        reads_failed = 0

        def phase(name, seconds, apply=None, heal=None):
            nonlocal reads_failed
            load.phase = name
            if apply:
                apply()
            end = time.time() + seconds
            while time.time() < end:
                s, _ = http("GET", url + "/v1/delegations?limit=5", headers={"Authorization": f"Bearer {token}"})
                reads_failed += s != 200
                time.sleep(0.2)
            if heal:
                heal()
                t0 = time.time()
                while cache_state() != "ok" and time.time() - t0 < 30:
                    time.sleep(0.05)
                recoveries[name] = time.time() - t0 if cache_state() == "ok" else None

        def toxic(name, kind, attributes, toxicity=1.0):
            return lambda: http("POST", api + "/proxies/redis/toxics", {"name": name, "type": kind, "stream": "downstream",
                                                                       "toxicity": toxicity, "attributes": attributes})

        def untoxic(name):
            return lambda: http("DELETE", api + f"/proxies/redis/toxics/{name}")

        phase("baseline", 2)
        phase("latency 500 ms", 3, toxic("latency", "latency", {"latency": 500, "jitter": 0}), untoxic("latency"))
        phase("bandwidth 1 KB/s", 3, toxic("bandwidth", "bandwidth", {"rate": 1}), untoxic("bandwidth"))
        phase("20% of connections blackholed", 3, toxic("loss", "timeout", {"timeout": 0}, 0.2), untoxic("loss"))
        phase("partition (blackhole)", 4, toxic("partition", "timeout", {"timeout": 0}), untoxic("partition"))
        phase("partition (refused)", 4, lambda: http("POST", api + "/proxies/redis", {"enabled": False}),
              lambda: http("POST", api + "/proxies/redis", {"enabled": True}))
        phase("healed", 2)
        load.stop.set()
        load.join(30)

        # Nothing acknowledged lost or duplicated: the file log is the truth, read after a restart.
        concord.terminate()
        concord.wait(20)
        procs.remove(concord)
        concord = subprocess.Popen([os.path.join(BIN, "concord"), "serve"], env=env, stdout=log, stderr=log)
        procs.append(concord)
        wait_for(lambda: http("GET", url + "/readyz", timeout=2)[0] == 200, "delegations after a restart")
        seen = all_delegation_ids(url, token)
        acked = [r[3] for r in load.results if r[3]]
        lost = set(acked) - set(seen)
        dupes = len(seen) - len(set(seen))

        bad = False
        by_phase = {}
        for name, s, secs, _ in load.results:
            p = by_phase.setdefault(name, {"writes": 0, "statuses": {}, "slowest": 0.0})
            p["writes"] += 1
            p["statuses"][s] = p["statuses"].get(s, 0) + 1
            p["slowest"] = max(p["slowest"], secs)
        for name, p in by_phase.items():
            rec = recoveries.get(name)
            rec_text = "" if name not in recoveries else (f", cache healthy {rec * 1000:.0f} ms after the heal" if rec is not None
                                                           else ", cache NOT healthy 30 s after the heal")
            print(f"redis_partition: {name}: {p['writes']} writes {p['statuses']}, slowest {p['slowest'] * 1000:.0f} ms{rec_text}",
                  file=sys.stderr)
            if any(s >= 500 or s == 0 for s in p["statuses"]):
                bad = True
            if name in recoveries and rec is None:
                bad = True
        print(f"redis_partition: {len(acked)} writes acknowledged, {len(lost)} lost, {dupes} duplicated, "
              f"{reads_failed} reads failed; partitions survived: {sum(1 for r in recoveries.values() if r is not None)}",
              file=sys.stderr)
        if lost or dupes or reads_failed or bad:
            fail("see above")
        print("redis_partition: passed", file=sys.stderr)
    finally:
        stop_processes(procs, 10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
