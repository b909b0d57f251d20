#!/usr/bin/env python3
"""Writes the seed corpus of the log_record fuzz target: topic files (after their 8-byte magic)
in the file log's record format (libs/events/src/record_format.hpp), with valid CloudEvents.
Run from the repository root: python3 tests/fuzz/make_log_seeds.py"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MAGIC = 0xC0C04EFE


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def event(n, kind="concord.scheduling.meeting.scheduled"):
    return json.dumps({"specversion": "1.0", "id": f"01998a2b-3c4d-7000-8000-{n:012d}", "source": "/concord/scheduling",
                       "type": kind, "subject": f"meeting/{n}", "time": "2025-09-28T07:00:00Z",
                       "datacontenttype": "application/json", "sequence": n, "actor": "officer",
                       "data": {"meeting": {"id": str(n), "title": {"ru": "Переговоры"}}}}, ensure_ascii=False).encode()


def record(events, key=b"visit-1", group=None, seq=0):
    body = bytes([2 if group is not None else 1]) + struct.pack("<I", len(events))
    if group is not None:
        body += struct.pack("<I", len(group)) + group + struct.pack("<Q", seq)
    for e in events:
        body += struct.pack("<I", len(key)) + key + struct.pack("<I", len(e)) + e
    length = struct.pack("<I", len(body))
    crc = crc32c(body, crc32c(length))
    return struct.pack("<I", MAGIC) + length + struct.pack("<I", crc) + body


def main():
    out = os.path.join(HERE, "seeds", "log_record")
    os.makedirs(out, exist_ok=True)
    one = record([event(1)])
    two = record([event(2), event(3, "concord.scheduling.meeting.rescheduled")])
    txn = record([event(4)], group=b"concord-notifications", seq=7)
    seeds = {
        "one-record": one,
        "three-records": one + two + txn,
        "torn-tail": one + two[: len(two) // 2],
        "bad-crc-then-valid": one[:-1] + b"X" + two,
        "empty": b"",
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
