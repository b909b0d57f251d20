#!/usr/bin/env python3
"""Writes the seed corpora of the api_request and http_head fuzz targets: one valid request per
route of the four services (the world of api_world.hpp: {visit}, {member}, ... are its ids).
Run from the repository root after changing a route: python3 tests/fuzz/make_seeds.py"""
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
J = "Content-Type: application/json\n"

LOCAL = {"ru": "Переговоры", "en": "Talks"}
SEEDS = [
    # scheduling
    ("POST", "/v1/venues", "officer", {"name": "Hall", "city": "Minsk", "address": "Ave 1", "time_zone": "Europe/Minsk",
                                       "capacity": 80, "buffer_minutes": 10}),
    ("GET", "/v1/venues?limit=2", "officer", None),
    ("GET", "/v1/venues/{venue}", "integrator", None),
    ("PATCH", "/v1/venues/{venue}", "officer", {"capacity": 250, "buffer_minutes": 5}),
    ("POST", "/v1/visits", "officer", {"title": {"en": "Visit", "ru": "Визит"}, "kind": "working_visit", "host_country": "KG",
                                       "guest_country": "BY", "starts_on": "2025-10-01", "ends_on": "2025-10-02",
                                       "time_zone": "Asia/Bishkek"}),
    ("GET", "/v1/visits?limit=1&cursor=6f31", "officer", None),
    ("GET", "/v1/visits/{visit}", "member", None),
    ("PATCH", "/v1/visits/{visit}", "officer", {"title": {"en": "Official visit (revised)"}, "ends_on": "2025-09-30"}),
    ("POST", "/v1/visits/{visit}/meetings", "officer",
     {"title": LOCAL, "kind": "tete_a_tete", "start": "2025-09-28T12:00:00+03:00", "end": "2025-09-28T12:45:00+03:00",
      "venue_id": "{venue}", "participants": ["{member}", "{member2}"], "interpretation": ["ru", "en"], "notes": "n"}),
    ("POST", "/v1/visits/{visit}/meetings?dry_run=true", "officer",
     {"title": LOCAL, "kind": "narrow_format", "start": "2025-09-28T10:30:00+03:00", "end": "2025-09-28T11:30:00+03:00",
      "venue_id": "{venue}", "participants": ["{member}", "{member2}"]}),
    ("GET", "/v1/visits/{visit}/meetings?limit=50", "officer", None),
    ("GET", "/v1/visits/{visit}/programme?tz=Asia/Bishkek&lang=ru&member_id={member}", "member", None),
    ("GET", "/v1/visits/{visit}/programme.ics", "officer", None),
    ("GET", "/v1/visits/{visit}/free-slots?date=2025-09-28&duration=PT45M&participants={member},{member2}&venue_id={venue}",
     "officer", None),
    ("GET", "/v1/meetings/{meeting}", "member", None),
    ("PATCH", "/v1/meetings/{meeting}", "officer", {"start": "2025-09-28T13:00:00+03:00", "end": "2025-09-28T14:00:00+03:00"}),
    ("POST", "/v1/meetings/{meeting}/cancel", "officer", {"reason": "The guest's flight is late"}),
    # delegations
    ("POST", "/v1/delegations", "officer", {"visit_id": "{visit}", "country": "KZ", "side": "guest", "name": {"en": "Kazakhstan"}}),
    ("GET", "/v1/delegations?visit_id={visit}&limit=10", "officer", None),
    ("GET", "/v1/delegations/{delegation}", "member", None),
    ("PATCH", "/v1/delegations/{delegation}", "officer", {"name": {"ru": "Делегация", "en": "Delegation"}}),
    ("POST", "/v1/delegations/{delegation}/members", "officer",
     {"full_name": {"ru": "Иван Петров", "en": "Ivan Petrov"}, "position": {"en": "Minister"}, "rank": "minister",
      "languages": ["ru", "en"], "time_zone": "Europe/Minsk", "is_head": False, "precedence_order": 3,
      "notifications": {"language": "ru", "channels": ["inbox", "email"]},
      "contact": {"email": "ivan.petrov@gov.example.org", "phone": "+375290000002"},
      "public_key": "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="}),
    ("GET", "/v1/delegations/{delegation}/members?status=active&limit=5", "member", None),
    ("GET", "/v1/members/{member}", "member", None),
    ("PATCH", "/v1/members/{member}", "member", {"time_zone": "Asia/Bishkek", "notifications": {"language": "en"}}),
    ("PATCH", "/v1/members/{member2}", "officer", {"rank": "minister", "precedence_order": 2, "is_head": False}),
    ("POST", "/v1/members/{member}/accreditation", "officer", {"action": "request"}),
    ("POST", "/v1/members/{member}/accreditation", "officer", {"action": "approve", "badge_number": "BY-0001"}),
    ("POST", "/v1/members/{member}/accreditation", "officer", {"action": "reject", "reason": "missing photo"}),
    ("POST", "/v1/members/{member2}/withdraw", "officer", {"reason": "Служебная необходимость"}),
    ("PUT", "/v1/members/{member}/travel", "officer",
     {"arrival": {"time": "2025-09-27T21:40:00+03:00", "flight": "B2 734", "airport": "MSQ"},
      "departure": {"time": "2025-09-29T19:05:00+03:00", "airport": "MSQ"},
      "hotel": {"name": "Hotel Victoria", "address": "Pobediteley Ave 59, Minsk"}}),
    ("GET", "/v1/members/{member}/travel", "member", None),
    # documents
    ("POST", "/v1/documents", "officer", {"title": {"ru": "Меморандум", "en": "Memorandum"}, "kind": "memorandum",
                                         "visit_id": "{visit}", "parties": ["{delegation}", "{delegation2}"],
                                         "signatories": [{"delegation_id": "{delegation}", "member_id": "{member}"},
                                                         {"delegation_id": "{delegation2}", "member_id": "{member2}"}],
                                         "languages": ["ru", "ky"]}),
    ("GET", "/v1/documents?visit_id={visit}&status=draft&limit=3", "officer", None),
    ("GET", "/v1/documents/{document}", "member", None),
    ("PATCH", "/v1/documents/{document}", "officer", {"title": {"en": "Memorandum (revised)"}}),
    ("POST", "/v1/documents/{document}/versions", "officer", {"language": "ru", "content": "Статья 1. Стороны.\nСтатья 2."}),
    ("GET", "/v1/documents/{document}/versions?language=ru", "officer", None),
    ("GET", "/v1/documents/{document}/versions/1", "officer", None),
    ("GET", "/v1/documents/{document}/diff?from=1&to=2", "officer", None),
    ("GET", "/v1/documents/{document}/audit", "officer", None),
    ("POST", "/v1/documents/{document}/submit", "officer", {}),
    ("POST", "/v1/documents/{document}/approvals", "officer", {"delegation_id": "{delegation}", "decision": "approve",
                                                              "comment": "Согласовано"}),
    ("POST", "/v1/documents/{document}/agree", "officer", {}),
    ("POST", "/v1/documents/{document}/signing", "officer", {"meeting_id": "{meeting}"}),
    ("POST", "/v1/documents/{document}/signatories", "officer", {"delegation_id": "{delegation}", "member_ids": ["{member}"]}),
    ("POST", "/v1/documents/{document}/entry-into-force", "officer", {"rule": "after_notifications", "days": 30}),
    ("POST", "/v1/documents/{document}/signatures", "officer", {"member_id": "{member}", "method": "wet_ink", "place": "Minsk"}),
    ("POST", "/v1/documents/{document}/signatures", "member",
     {"member_id": "{member}", "method": "ed25519", "signature": "AAAA", "signed_at": "2025-09-20T09:00:00.000Z", "place": "Minsk"}),
    ("GET", "/v1/documents/{document}/signing-payload?member_id={member}&signed_at=2025-09-20T09:00:00.000Z", "member", None),
    ("POST", "/v1/documents/{document}/notifications", "officer", {"delegation_id": "{delegation}", "notified_on": "2025-09-21"}),
    ("GET", "/v1/documents/{document}/certificate", "officer", None),
    ("POST", "/v1/documents/{document}/withdraw", "officer", {"reason": "superseded"}),
    # notifications
    ("GET", "/v1/inbox?unread=true&limit=20", "member", None),
    ("GET", "/v1/inbox?member_id={member}", "officer", None),
    ("GET", "/v1/inbox/{meeting}", "member", None),
    ("POST", "/v1/inbox/{meeting}/read", "member", {}),
    ("GET", "/v1/preferences", "member", None),
    ("PUT", "/v1/preferences", "member", {"language": "ru", "channels": ["inbox"],
                                          "quiet_hours": {"start": "22:00", "end": "07:00"}}),
    ("GET", "/v1/reminders", "member", None),
    ("POST", "/v1/webhooks", "integrator", {"url": "http://127.0.0.1:9/hooks", "event_types": ["concord.documents.*"]}),
    ("GET", "/v1/webhooks", "integrator", None),
    ("GET", "/v1/webhooks/{webhook}", "integrator", None),
    ("GET", "/v1/webhooks/{webhook}/deliveries?limit=5", "integrator", None),
    ("DELETE", "/v1/webhooks/{webhook}", "integrator", None),
    # calendar feeds and stream tickets
    ("POST", "/v1/visits/{visit}/calendar-feeds", "member", {"language": "ru", "label": "phone"}),
    ("GET", "/v1/visits/{visit}/calendar-feeds?limit=5", "officer", None),
    ("DELETE", "/v1/calendar-feeds/{meeting}", "officer", None),
    ("GET", "/v1/calendar-feeds/cf_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/programme.ics", "", None),
    ("POST", "/v1/inbox/stream-tickets", "member", {}),
    # the platform
    ("GET", "/healthz", "", None),
    ("GET", "/readyz", "", None),
]


def name(method, path, i):
    return f"{i:02d}-{method.lower()}-" + re.sub(r"[^a-z0-9]+", "-", path.split("?")[0].lower()).strip("-")


def main():
    api = os.path.join(HERE, "seeds", "api_request")
    head = os.path.join(HERE, "seeds", "http_head")
    for d in (api, head):
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
    for i, (method, path, token, body) in enumerate(SEEDS):
        text = json.dumps(body, ensure_ascii=False) if body is not None else ""
        headers = J if body is not None else ""
        if method == "POST" and "/v1/" in path:
            headers += f"Idempotency-Key: seed-{i}\n"
        if method in ("PATCH", "DELETE") or path.endswith("/cancel"):
            headers += 'If-Match: "1"\n'
        with open(os.path.join(api, name(method, path, i)), "w", encoding="utf-8") as f:
            f.write(f"{method} {path} {token}\n{headers}\n{text}")
        raw = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if token:
            raw += f"Authorization: Bearer {token}\r\n"
        raw += headers.replace("\n", "\r\n")
        data = text.encode("utf-8")
        if body is not None:
            raw += f"Content-Length: {len(data)}\r\n"
        with open(os.path.join(head, name(method, path, i)), "wb") as f:
            f.write(raw.encode("utf-8") + b"\r\n" + data)
    # Heads that are odd on purpose: chunked bodies, pipelining, folded and repeated headers.
    odd = {
        "chunked": b"POST /v1/venues HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer officer\r\nTransfer-Encoding: chunked\r\n"
                   b"Content-Type: application/json\r\n\r\n5\r\n{\"nam\r\n0\r\n\r\n",
        "percent": b"GET /v1/visits/%7Bvisit%7D/meetings?limit=%32&cursor=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer officer\r\n\r\n",
        "absolute": b"GET http://127.0.0.1/v1/visits HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer officer\r\n\r\n",
        "http10": b"GET /v1/venues?limit=0 HTTP/1.0\r\nAuthorization: Bearer officer\r\n\r\n",
        "repeated": b"GET /v1/venues?limit=1&limit=500&cursor=&cursor=00 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer officer\r\n"
                    b"Authorization: Bearer integrator\r\nX-Request-Id: a\r\n\r\n",
        "expect": b"POST /v1/visits HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer officer\r\nExpect: 100-continue\r\n"
                  b"Content-Length: 2\r\n\r\n{}",
    }
    for k, v in odd.items():
        with open(os.path.join(head, "odd-" + k), "wb") as f:
            f.write(v)


if __name__ == "__main__":
    main()
