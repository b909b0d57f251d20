#!/usr/bin/env python3
"""Plays the authorization matrix of docs/authorization.md against running services.

The table between the markers "authz-matrix: begin" and "authz-matrix: end" is the only source
of what each caller may do; this script builds a small world of the seed's two sides (Belarus
hosting, Kyrgyzstan visiting), mints a token per caller with `concord token`, and calls every
row once per caller column, judging the answer by the cell. Standard library only.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

COLUMNS = ["host_officer", "deleg. officer (own)", "deleg. officer (other)", "member (own)", "member (other)",
           "integrator", "admin", "no token"]
OTHER_SIDE = {"deleg. officer (other)", "member (other)"}


def parse_matrix(path):
    text = open(path, encoding="utf-8").read()
    block = text.split("<!-- authz-matrix: begin -->")[1].split("<!-- authz-matrix: end -->")[0]
    lines = [l for l in block.strip().splitlines() if l.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header[4:] == COLUMNS, f"the matrix's columns are {header[4:]}, expected {COLUMNS}"
    rows = []
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip()[1:-1].split("|")]
        if len(cells) != 4 + len(COLUMNS):
            raise SystemExit(f"authz matrix: a row has {len(cells)} cells, not {4 + len(COLUMNS)}: {line}")
        service, method, path, body = cells[:4]
        rows.append({"service": service, "method": method, "path": path, "body": body, "expect": dict(zip(COLUMNS, cells[4:]))})
    return rows


class Api:
    def __init__(self, ports):
        self.ports = ports

    def call(self, service, method, path, token=None, body=None, timeout=10):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(f"http://127.0.0.1:{self.ports[service]}{path}", data=data, method=method)
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as res:
                ctype = res.headers.get("Content-Type", "")
                if "event-stream" in ctype:
                    return res.status, ctype, None  # a live stream: the status is the answer
                raw = res.read()
                return res.status, ctype, (json.loads(raw) if raw and "json" in ctype else raw)
        except urllib.error.HTTPError as e:
            raw = e.read()
            ctype = e.headers.get("Content-Type", "")
            return e.code, ctype, (json.loads(raw) if raw and "json" in ctype else raw)

    def must(self, service, method, path, token, body=None, expect=(200, 201), retry_for=0.0):
        deadline = time.time() + retry_for
        while True:
            status, _, out = self.call(service, method, path, token, body)
            if status in expect or time.time() >= deadline:
                break
            time.sleep(0.1)  # another service's view of the delegations topic may lag a little
        if status not in expect:
            raise SystemExit(f"authz matrix: setting up the world, {method} {service} {path} answered {status}: {out}")
        return out


def mint(concord, *args):
    return subprocess.run([concord, "token", "--ttl", "1h", *args], check=True, capture_output=True, text=True).stdout.strip()


def build_world(api, officer):
    w = {}
    w["venue"] = api.must("scheduling", "POST", "/v1/venues",
                          officer, {"name": "Palace of Independence", "city": "Minsk", "time_zone": "Europe/Minsk",
                                    "capacity": 300})["id"]
    w["visit"] = api.must("scheduling", "POST", "/v1/visits", officer,
                          {"title": {"en": "Official visit of Kyrgyzstan to Belarus"}, "kind": "official_visit",
                           "host_country": "BY", "guest_country": "KG", "starts_on": "2025-09-28",
                           "ends_on": "2025-09-29", "time_zone": "Europe/Minsk"})["id"]
    for side, country in (("by", "BY"), ("kg", "KG")):
        w[side] = api.must("delegations", "POST", "/v1/delegations", officer,
                           {"visit_id": w["visit"], "country": country, "side": "host" if side == "by" else "guest",
                            "name": {"en": f"Delegation {country}"}})["id"]

    def member(side, name, head=False):
        return api.must("delegations", "POST", f"/v1/delegations/{w[side]}/members", officer,
                        {"full_name": {"en": name}, "position": {"en": "Minister"}, "rank": "head_of_government" if head else "minister",
                         "languages": ["ru"], "time_zone": "Europe/Minsk", "is_head": head,
                         "contact": {"email": f"{name.split()[0].lower()}@gov.example.org"}})["id"]
    w["by_head"], w["kg_head"] = member("by", "Belarus Head", True), member("kg", "Kyrgyz Head", True)
    w["by_member"], w["kg_member"] = member("by", "Belarus Minister"), member("kg", "Kyrgyz Minister")
    w["by_victim"], w["kg_victim"] = member("by", "Belarus Adviser"), member("kg", "Kyrgyz Adviser")
    meeting = {"title": {"en": "Talks"}, "kind": "expanded_format", "venue_id": w["venue"],
               "participants": [w["by_head"], w["kg_head"], w["by_member"], w["kg_member"]]}
    w["meeting"] = api.must("scheduling", "POST", f"/v1/visits/{w['visit']}/meetings", officer,
                            {**meeting, "start": "2025-09-28T10:00:00+03:00", "end": "2025-09-28T11:00:00+03:00"},
                            retry_for=10)["id"]
    w["meeting2"] = api.must("scheduling", "POST", f"/v1/visits/{w['visit']}/meetings", officer,
                             {**meeting, "start": "2025-09-28T12:00:00+03:00", "end": "2025-09-28T13:00:00+03:00"},
                             retry_for=10)["id"]
    for side in ("by", "kg"):  # a calendar feed of each side's member, made by the host officer
        w[f"{side}_feed"] = api.must("scheduling", "POST", f"/v1/visits/{w['visit']}/calendar-feeds", officer,
                                     {"member_id": w[f"{side}_member"], "label": "matrix"}, retry_for=10)["id"]
    document = {"title": {"en": "Roadmap"}, "kind": "roadmap", "visit_id": w["visit"], "parties": [w["by"], w["kg"]],
                "signatories": [{"delegation_id": w["by"], "member_id": w["by_head"]},
                                {"delegation_id": w["kg"], "member_id": w["kg_head"]}], "languages": ["ru"]}
    for key in ("doc", "doc2"):
        w[key] = api.must("documents", "POST", "/v1/documents", officer, document, retry_for=10)["id"]
        api.must("documents", "POST", f"/v1/documents/{w[key]}/versions", officer,
                 {"language": "ru", "content": "Статья 1. Стороны сотрудничают.\n"})
        api.must("documents", "POST", f"/v1/documents/{w[key]}/submit", officer, {})
    return w


def fill(text, world, other):
    side, far = ("by", "kg") if other else ("kg", "by")
    values = dict(world)
    values.update({"deleg": world[side], "member": world[f"{side}_member"], "victim": world[f"{side}_victim"],
                   "feed": world[f"{side}_feed"]})
    def sub(m):
        key = m.group(1)
        if key not in values:
            raise SystemExit(f"authz matrix: unknown placeholder {{{key}}}")
        return values[key]
    return re.sub(r"\{([a-z0-9_]+)\}", sub, text)


def judge(expect, status, ctype, out):
    problem = "application/problem+json" in ctype
    if status >= 500:
        return False
    if expect == "2xx":
        return 200 <= status < 300
    if expect == "ok":
        return status not in (401, 403)
    return str(status) == expect and problem


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--matrix", required=True)
    ap.add_argument("--concord", required=True)
    for s in ("scheduling", "delegations", "documents", "notifications"):
        ap.add_argument(f"--{s}", required=True, type=int)
    args = ap.parse_args()
    api = Api({s: getattr(args, s) for s in ("scheduling", "delegations", "documents", "notifications")})
    rows = parse_matrix(args.matrix)
    officer = mint(args.concord, "--role", "host_officer", "--sub", "host-officer")
    world = build_world(api, officer)
    integrator = mint(args.concord, "--role", "integrator", "--sub", "erp")
    world["webhook"] = api.must("notifications", "POST", "/v1/webhooks", integrator,
                                {"url": "https://127.0.0.1:9/hooks", "event_types": ["concord.scheduling.meeting.scheduled"]})["id"]
    member = mint(args.concord, "--role", "delegation_member", "--sub", "kg-minister", "--member-id", world["kg_member"],
                  "--delegation-id", world["kg"])
    items = []
    for _ in range(100):  # the meetings reach the member's inbox through the notifications processor
        _, _, out = api.call("notifications", "GET", "/v1/inbox", member)
        items = (out or {}).get("items", []) if isinstance(out, dict) else []
        if items:
            break
        time.sleep(0.1)
    world["item"] = items[0]["id"] if items else "00000000-0000-7000-8000-000000000000"
    kg_officer = mint(args.concord, "--role", "delegation_officer", "--country", "KG", "--sub", "kg-officer")
    tokens = {"host_officer": officer, "deleg. officer (own)": kg_officer, "deleg. officer (other)": kg_officer,
              "member (own)": member, "member (other)": member, "integrator": integrator,
              "admin": mint(args.concord, "--role", "admin", "--sub", "admin"), "no token": None}
    discover = os.environ.get("CONCORD_AUTHZ_DISCOVER") == "1"
    failures, cells = [], 0
    for row in rows:
        seen = []
        for column in COLUMNS:
            other = column in OTHER_SIDE
            path = fill(row["path"], world, other)
            body = json.loads(fill(row["body"], world, other)) if row["body"] else (
                {} if row["method"] in ("POST", "PUT", "PATCH") else None)
            status, ctype, out = api.call(row["service"], row["method"], path, tokens[column], body)
            cells += 1
            seen.append(str(status))
            if not discover and not judge(row["expect"][column], status, ctype, out):
                failures.append(f"{row['method']} {row['path']} as {column}: expected {row['expect'][column]}, "
                                f"got {status} {json.dumps(out)[:200] if isinstance(out, dict) else ''}")
        if discover:
            print(f"| {row['service']} | {row['method']} | {row['path']} | {' | '.join(seen)} |")
    if discover:
        return 0
    print(f"authz matrix: {len(rows)} routes × {len(COLUMNS)} callers = {cells} calls, {len(failures)} not as the table says")
    for f in failures:
        print("  " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
