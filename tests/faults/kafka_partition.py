#!/usr/bin/env python3
"""The Kafka broker behind Toxiproxy (the broker advertises the proxy's port) while `concord
serve` takes a steady write load: 500 ms of latency, 20% of connections lost, a partition
(blackhole), refused connections, each healed. Expected: writes during a partition fail with 503 problem+json within
the event log's append timeout (10 s), reads keep answering from memory, every service writes
again after the heal without a restart, and after a restart every acknowledged write is in the
log exactly once. Prints each phase's answers and the recovery times.

Usage: kafka_partition.py BIN_DIR   (the broker from deploy/local/stack.sh; Toxiproxy as in
redis_partition.py). Loopback only."""
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


REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    if not BIN or not os.path.exists(os.path.join(BIN, "concord")):
        fail("usage: kafka_partition.py BIN_DIR")
    work = tempfile.mkdtemp(prefix="concord-kafka-partition-")
    kafka_port, controller_port, redis_port, proxy_port, api_port, *svc = free_ports(9)
    stack_env = dict(os.environ, CONCORD_STACK_DIR=os.path.join(work, "stack"), KAFKA_PORT=str(kafka_port),
                     KAFKA_CONTROLLER_PORT=str(controller_port), REDIS_PORT=str(redis_port),
                     KAFKA_ADVERTISED_PORT=str(proxy_port))
    procs = []
    stack_started = False
    try:
        procs.append(subprocess.Popen([toxiproxy_server(), "-host", "127.0.0.1", "-port", str(api_port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        api = f"http://127.0.0.1:{api_port}"
        wait_for(lambda: http("GET", api + "/version")[0] == 200, "toxiproxy")
        s, doc = http("POST", api + "/proxies", {"name": "kafka", "listen": f"127.0.0.1:{proxy_port}",
                                                  "upstream": f"127.0.0.1:{kafka_port}", "enabled": True})
        if s not in (200, 201):
            fail(f"creating the proxy: {s} {doc}")
        t0 = time.time()
        subprocess.check_call([os.path.join(REPO, "deploy", "local", "stack.sh"), "start-kafka"], env=stack_env,
                              stdout=subprocess.DEVNULL)
        stack_started = True
        print(f"kafka_partition: broker up in {time.time() - t0:.0f} s", file=sys.stderr)
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        env.update(CONCORD_DATA_DIR=os.path.join(work, "data"), CONCORD_ACCESS_LOG="false", CONCORD_LOG_LEVEL="error",
                   KAFKA_BROKERS=f"127.0.0.1:{proxy_port}", CONCORD_KAFKA_PARTITIONS="1",
                   CONCORD_JWT_SECRET="kafka-partition-secret-kafka-partition-secret",
                   CONCORD_SCHEDULING_ADDR=f"127.0.0.1:{svc[0]}", CONCORD_DELEGATIONS_ADDR=f"127.0.0.1:{svc[1]}",
                   CONCORD_DOCUMENTS_ADDR=f"127.0.0.1:{svc[2]}", CONCORD_NOTIFICATIONS_ADDR=f"127.0.0.1:{svc[3]}",
                   CONCORD_CONSOLE_ADDR="127.0.0.1:0")
        log = open(os.path.join(work, "concord.log"), "wb")
        concord = subprocess.Popen([os.path.join(BIN, "concord"), "serve"], env=env, stdout=log, stderr=log)
        procs.append(concord)
        url = f"http://127.0.0.1:{svc[1]}"
        wait_for(lambda: http("GET", url + "/readyz", timeout=2)[0] == 200, "delegations", limit=90)
        token = subprocess.check_output([os.path.join(BIN, "concord"), "token", "--role", "protocol_officer", "--sub",
                                         "officer-partition"], env=env, text=True).strip()

        load = Load(url, token)
        load.start()
        recoveries = {}
        reads = {}  # phase -> slowest read
        reads_failed = 0

        def phase(name, seconds, apply=None, heal=None):
            nonlocal reads_failed
            load.phase = name
            if apply:
                apply()
            end = time.time() + seconds
            while time.time() < end:
                r0 = time.time()
                try:
                    s, _ = http("GET", url + "/v1/delegations?limit=5", headers={"Authorization": f"Bearer {token}"},
                                timeout=5)
                except (urllib.error.URLError, OSError):
                    s = 0
                reads[name] = max(reads.get(name, 0.0), time.time() - r0)
                reads_failed += s != 200
                time.sleep(0.2)
            if heal:
                load.phase = name + ": healed"
                heal()
                t0 = time.time()
                # Recovered: a write made after the heal is acknowledged.
                mark = len(load.results)
                while time.time() - t0 < 60:
                    if any(r[1] == 201 for r in load.results[mark:]):
                        break
                    time.sleep(0.05)
                ok = any(r[1] == 201 for r in load.results[mark:])
                recoveries[name] = time.time() - t0 if ok else None

        def toxic(name, kind, attributes, toxicity=1.0):
            return lambda: http("POST", api + "/proxies/kafka/toxics", {"name": name, "type": kind, "stream": "downstream",
                                                                       "toxicity": toxicity, "attributes": attributes})

        def untoxic(name):
            return lambda: http("DELETE", api + f"/proxies/kafka/toxics/{name}")

        phase("baseline", 3)
        phase("latency 500 ms", 4, toxic("latency", "latency", {"latency": 500, "jitter": 0}), untoxic("latency"))
        # Toxiproxy loses connections, not packets (the kernel here has no netem): each link to
        # the broker has a one-in-five chance of going silent.
        phase("20% of connections lost", 8, toxic("loss", "timeout", {"timeout": 0}, 0.2), untoxic("loss"))
        phase("partition (blackhole)", 15, toxic("partition", "timeout", {"timeout": 0}), untoxic("partition"))
        phase("partition (refused)", 15, lambda: http("POST", api + "/proxies/kafka", {"enabled": False}),
              lambda: http("POST", api + "/proxies/kafka", {"enabled": True}))
        load.phase = "after"
        time.sleep(2)
        load.stop.set()
        load.join(60)

        concord.terminate()
        concord.wait(30)
        procs.remove(concord)
        concord = subprocess.Popen([os.path.join(BIN, "concord"), "serve"], env=env, stdout=log, stderr=log)
        procs.append(concord)
        wait_for(lambda: http("GET", url + "/readyz", timeout=2)[0] == 200, "delegations after a restart", limit=90)
        seen = all_delegation_ids(url, token)
        acked = [r[3] for r in load.results if r[3]]
        lost = set(acked) - set(seen)
        dupes = len(seen) - len(set(seen))
        unacked_present = len(set(seen) - set(acked))

        bad = []
        by_phase = {}
        for name, s, secs, _ in load.results:
            p = by_phase.setdefault(name, {"writes": 0, "statuses": {}, "slowest": 0.0})
            p["writes"] += 1
            p["statuses"][s] = p["statuses"].get(s, 0) + 1
            p["slowest"] = max(p["slowest"], secs)
        for name, p in by_phase.items():
            print(f"kafka_partition: {name}: {p['writes']} writes {p['statuses']}, slowest {p['slowest'] * 1000:.0f} ms; "
                  f"slowest read {reads.get(name, 0) * 1000:.0f} ms", file=sys.stderr)
            if any(s not in (201, 503) for s in p["statuses"]):
                bad.append(f"{name}: answers other than 201 and 503")
            if p["slowest"] > 15:
                bad.append(f"{name}: a write took {p['slowest']:.1f} s")
        for name, rec in recoveries.items():
            print(f"kafka_partition: {name}: writes acknowledged again "
                  + (f"{rec * 1000:.0f} ms after the heal, without a restart" if rec is not None else "NOT within 60 s"),
                  file=sys.stderr)
            if rec is None:
                bad.append(f"{name}: no recovery")
        print(f"kafka_partition: {len(acked)} writes acknowledged, {len(lost)} lost, {dupes} duplicated, "
              f"{unacked_present} refused or timed-out writes present after all, {reads_failed} reads failed; "
              f"partitions survived: {sum(1 for r in recoveries.values() if r is not None)} of {len(recoveries)}",
              file=sys.stderr)
        if lost or dupes or reads_failed or bad:
            log.flush()
            with open(os.path.join(work, "concord.log"), errors="replace") as service_log:
                print("kafka_partition: the service's log, last lines:\n" + "".join(service_log.readlines()[-40:]),
                      file=sys.stderr)
            fail("; ".join(bad) or "see above")
        print("kafka_partition: passed", file=sys.stderr)
    finally:
        stop_processes(procs, 20)
        if stack_started:
            subprocess.call([os.path.join(REPO, "deploy", "local", "stack.sh"), "stop"], env=stack_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
