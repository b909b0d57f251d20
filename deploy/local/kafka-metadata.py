#!/usr/bin/env python3
"""Ask a Kafka broker for its cluster metadata, with the standard library only.

Usage: kafka-metadata.py HOST PORT [--timeout SECONDS] [--quiet]

Sends one Metadata request (API key 3, version 4: the oldest version Kafka 4.x still accepts,
and the newest without the "flexible" encoding, so it stays a few lines of struct packing)
for all topics and prints the brokers and topics it gets back. Exits 0 when the broker answers
and lists at least one broker; 1 otherwise. deploy/local/stack.sh uses it as the readiness
check: a broker that answers Metadata with itself in it serves clients, which an open TCP port
alone does not prove.
"""
import argparse
import socket
import struct
import sys

API_METADATA = 3
VERSION = 4
CORRELATION_ID = 0x636F6E63


class Reader:
    def __init__(self, buf):
        self.buf, self.pos = buf, 0

    def take(self, fmt):
        values = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += struct.calcsize(fmt)
        return values[0] if len(values) == 1 else values

    def string(self):
        n = self.take(">h")
        if n < 0:
            return None
        s = self.buf[self.pos:self.pos + n].decode("utf-8")
        self.pos += n
        return s

    def array(self, item):
        n = self.take(">i")
        return [item() for _ in range(max(n, 0))]


def request(client_id):
    cid = client_id.encode()
    header = struct.pack(">hhih", API_METADATA, VERSION, CORRELATION_ID, len(cid)) + cid
    body = struct.pack(">i?", -1, False)  # all topics (null array); never auto-create
    msg = header + body
    return struct.pack(">i", len(msg)) + msg


def recv_exactly(sock, n):
    chunks = []
    while n:
        chunk = sock.recv(n)
        if not chunk:
            raise ConnectionError("connection closed by the broker")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def metadata(host, port, timeout):
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(request("concord-stack-probe"))
        size = struct.unpack(">i", recv_exactly(sock, 4))[0]
        r = Reader(recv_exactly(sock, size))
    if r.take(">i") != CORRELATION_ID:
        raise ValueError("unexpected correlation id")
    r.take(">i")  # throttle_time_ms
    brokers = r.array(lambda: (r.take(">i"), r.string(), r.take(">i"), r.string()))
    cluster_id = r.string()
    controller = r.take(">i")

    def partition():
        err, index, leader = r.take(">hii")
        r.array(lambda: r.take(">i"))  # replicas
        r.array(lambda: r.take(">i"))  # in-sync replicas
        return err, index, leader

    topics = r.array(lambda: (r.take(">h"), r.string(), r.take(">?"), r.array(partition)))
    return brokers, cluster_id, controller, topics


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args()
    try:
        brokers, cluster_id, controller, topics = metadata(a.host, a.port, a.timeout)
    except (OSError, ValueError, struct.error) as e:
        if not a.quiet:
            print(f"kafka-metadata: {a.host}:{a.port}: {e}", file=sys.stderr)
        return 1
    if not a.quiet:
        print(f"cluster {cluster_id} controller {controller}")
        for node, host, port, _ in brokers:
            print(f"broker {node} {host}:{port}")
        for err, name, internal, parts in sorted(topics, key=lambda t: t[1] or ""):
            leaders = ",".join(str(leader) for _, _, leader in sorted(parts, key=lambda x: x[1]))
            print(f"topic {name} partitions={len(parts)} leaders={leaders} error={err}"
                  + (" internal" if internal else ""))
    return 0 if brokers else 1


if __name__ == "__main__":
    sys.exit(main())
