#!/usr/bin/env python3
"""The e-mail channel against a real SMTP server: Mailpit, requiring STARTTLS (a certificate
from a CA this test makes) and AUTH, with `concord serve` sending to it.

    email_channel.py BIN_DIR MAILPIT

Shows: members receive their e-mails in their language (ru, ky, en: the subject as the catalogue
words it)
with times in Minsk and Bishkek time and the zone named, as multipart text + HTML + an iTIP
invitation that Python's icalendar parses; a reschedule sends REQUEST with the same UID and a
higher SEQUENCE, a cancellation METHOD:CANCEL; a recipient the server refuses (550) is
dead-lettered (the dead-letter topic holds it) and its address is listed as failing; quiet hours
hold a non-urgent e-mail while an urgent one goes at once; with the
SMTP server stopped during a burst, and Concord SIGKILLed and restarted meanwhile, every e-mail
arrives once the server is back, each notification under one Message-ID only; implicit TLS
(smtps://) with the credentials in the URL works too and the password is never logged; every
event caused keeps docs/asyncapi.yaml."""
import email
import email.policy
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from icalendar import Calendar

BIN, MAILPIT = sys.argv[1], sys.argv[2]
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FROM = "concord@commission.example.org"
DOMAIN = "commission.example.org"
# Kyrgyz members read Kyrgyz once the catalogue exists; until then Russian, their second language.
KY_LANG = "ky" if os.path.exists(os.path.join(REPO, "services/notifications/messages/ky.json")) else "ru"


def say(msg):
    print(f"email_channel: {msg}", file=sys.stderr, flush=True)


def fail(msg):
    print(f"email_channel: FAIL: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def call(method, url, token=None, body=None, headers=None, expect=(200, 201)):
    data = json.dumps(body).encode() if body is not None else None
    h = dict(headers or {})
    if data is not None:
        h["Content-Type"] = "application/json"
    if token:
        h["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, raw, hdrs = r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        status, raw, hdrs = e.code, e.read(), e.headers
    doc = json.loads(raw) if raw and raw[:1] in (b"{", b"[") else raw
    if expect and status not in expect:
        fail(f"{method} {url} → {status} {doc}")
    return status, doc, hdrs


def wait_for(check, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            v = check()
            if v:
                return v
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    fail(f"{what}: not within {timeout} s")


work = tempfile.mkdtemp(prefix="concord-email.")
procs = {}


def cleanup():
    for p in procs.values():
        if p.poll() is None:
            p.kill()
            p.wait()
    if os.environ.get("CONCORD_EMAIL_KEEP") != "1":
        shutil.rmtree(work, ignore_errors=True)


# --- a test CA, the server's certificate, and Mailpit requiring STARTTLS and AUTH -------------

def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=work)


openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Concord e-mail test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "smtp.key", "-out", "smtp.csr", "-subj", "/CN=127.0.0.1")
with open(os.path.join(work, "san.ext"), "w") as f:
    f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
openssl("x509", "-req", "-in", "smtp.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "smtp.pem",
        "-days", "2", "-extfile", "san.ext")
smtp_password = "s3cret-for-tests"
hashed = subprocess.run(["openssl", "passwd", "-apr1", smtp_password], check=True, capture_output=True,
                        text=True).stdout.strip()
with open(os.path.join(work, "smtp-auth"), "w") as f:
    f.write(f"concord:{hashed}\n")

smtp_port, mailpit_http = free_ports(2)
MAILPIT_API = f"http://127.0.0.1:{mailpit_http}/api/v1"


def start_mailpit():
    log = open(os.path.join(work, "mailpit.log"), "a")
    procs["mailpit"] = subprocess.Popen(
        [MAILPIT, "--smtp", f"127.0.0.1:{smtp_port}", "--listen", f"127.0.0.1:{mailpit_http}",
         "--database", os.path.join(work, "mailpit.db"), "--smtp-tls-cert", os.path.join(work, "smtp.pem"),
         "--smtp-tls-key", os.path.join(work, "smtp.key"), "--smtp-require-starttls",
         "--smtp-auth-file", os.path.join(work, "smtp-auth"), "--smtp-disable-rdns",
         # Anything outside the governments' domain is refused: 550 5.1.0.
         "--smtp-allowed-recipients", r"@gov\.example\.org$", "--max", "5000"],
        stdout=log, stderr=subprocess.STDOUT)
    wait_for(lambda: call("GET", MAILPIT_API + "/info", expect=None)[0] == 200, "Mailpit")


def stop_mailpit():
    p = procs.pop("mailpit")
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=10)


# --- concord serve on the embedded default, its e-mail channel pointed at Mailpit ------------

ports = dict(zip(["scheduling", "delegations", "documents", "notifications"], free_ports(4)))
data_dir = os.path.join(work, "data")
env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BROKERS", "REDIS_URL")}
env.update({
    "CONCORD_DATA_DIR": data_dir,
    "CONCORD_JWT_SECRET": "an-e-mail-test-secret-of-at-least-32-bytes",
    "CONCORD_CONSOLE_ADDR": "127.0.0.1:0",
    "CONCORD_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
    "CONCORD_SMTP_USER": "concord",
    "CONCORD_SMTP_PASSWORD": smtp_password,
    "CONCORD_SMTP_FROM": FROM,
    "CONCORD_SMTP_CA_FILE": os.path.join(work, "ca.pem"),
    # Retries every few seconds for about a minute: the outage below is shorter.
    "CONCORD_SMTP_RETRY_SCHEDULE": "1s,1s,2s,2s,3s,3s,4s,4s,5s,5s,5s,5s,5s,5s,5s",
    "CONCORD_SMTP_TIMEOUT": "5s",
    "CONCORD_ACCESS_LOG": "false",
})
for name, port in ports.items():
    env[f"CONCORD_{name.upper()}_ADDR"] = f"127.0.0.1:{port}"


def url(service, path):
    return f"http://127.0.0.1:{ports[service]}{path}"


def start_concord():
    log = open(os.path.join(work, "concord.log"), "a")
    procs["concord"] = subprocess.Popen([os.path.join(BIN, "concord"), "serve"], env=env, stdout=log,
                                        stderr=subprocess.STDOUT)
    for s in ports:
        wait_for(lambda s=s: call("GET", url(s, "/readyz"), expect=None)[0] == 200, f"{s} ready")


def token(role, sub, member_id=None, delegation_id=None):
    args = [os.path.join(BIN, "concord"), "token", "--role", role, "--sub", sub, "--ttl", "1h"]
    if member_id:
        args += ["--member-id", member_id, "--delegation-id", delegation_id]
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout.strip()


# --- what arrived --------------------------------------------------------------------------

def arrived():
    """Every message Mailpit holds: (Mailpit id, Message-ID, recipient, parsed message)."""
    out = []
    start = 0
    while True:
        _, page, _ = call("GET", f"{MAILPIT_API}/messages?start={start}&limit=500")
        for m in page["messages"]:
            _, raw, _ = call("GET", f"{MAILPIT_API}/message/{m['ID']}/raw")
            msg = email.message_from_bytes(raw if isinstance(raw, bytes) else json.dumps(raw).encode(),
                                           policy=email.policy.default)
            out.append((m["ID"], m["MessageID"], m["To"][0]["Address"] if m["To"] else None, msg))
        start += len(page["messages"])
        if start >= page["messages_count"] or not page["messages"]:
            return out


def parts(msg):
    text = html = cal = None
    for p in msg.walk():
        ct = p.get_content_type()
        if ct == "text/plain":
            text = p.get_content()
        elif ct == "text/html":
            html = p.get_content()
        elif ct == "text/calendar":
            cal = (p.get_param("method"), Calendar.from_ical(p.get_content()))
    return text, html, cal


def event_of(cal):
    (ev,) = [c for c in cal.walk() if c.name == "VEVENT"]
    return ev


try:
    start_mailpit()
    start_concord()
    officer = token("protocol_officer", "officer-1")
    say(f"Mailpit (STARTTLS and AUTH required) on {smtp_port}; concord serve up; Kyrgyz members expect '{KY_LANG}'")

    _, venue, _ = call("POST", url("scheduling", "/v1/venues"), officer,
                       {"name": "Palace of Independence", "city": "Minsk", "address": "Pobediteley Ave 1",
                        "time_zone": "Europe/Minsk", "capacity": 300, "buffer_minutes": 0})
    _, visit, _ = call("POST", url("scheduling", "/v1/visits"), officer, {
        "title": {"ru": "Официальный визит", "en": "Official visit"}, "kind": "official_visit",
        "host_country": "BY", "guest_country": "KG", "starts_on": "2025-09-28", "ends_on": "2025-09-29",
        "time_zone": "Europe/Minsk"})
    delegations = {}
    for side, country in (("host", "BY"), ("guest", "KG")):
        _, d, _ = call("POST", url("delegations", "/v1/delegations"), officer,
                       {"visit_id": visit["id"], "country": country, "side": side, "name": {"en": f"Delegation {country}"}})
        delegations[country] = d["id"]
    # key → (delegation, languages, notification language, zone, address, channels, head)
    people = {
        "by_head": ("BY", ["ru", "en"], "ru", "Europe/Minsk", "by.head@gov.example.org", ["inbox", "email"], True),
        "kg_head": ("KG", ["ky", "ru"], "ky", "Asia/Bishkek", "kg.head@gov.example.org", ["inbox", "email"], True),
        "kg_minister": ("KG", ["ky", "en"], "en", "Asia/Bishkek", "kg.minister@gov.example.org", ["inbox", "email"], False),
        "by_refused": ("BY", ["ru", "en"], "en", "Europe/Minsk", "adviser@refused.example.net", ["inbox", "email"], False),
        "by_inbox_only": ("BY", ["ru"], "ru", "Europe/Minsk", "inbox.only@gov.example.org", ["inbox"], False),
        "by_quiet": ("BY", ["ru"], "ru", "Europe/Minsk", "by.quiet@gov.example.org", ["inbox", "email"], False),
        "by_digest": ("BY", ["ru"], "ru", "Europe/Minsk", "by.digest@gov.example.org", ["inbox", "email"], False),
    }
    expected_lang = {"by_head": "ru", "kg_head": KY_LANG, "kg_minister": "en", "by_refused": "en", "by_inbox_only": "ru",
                     "by_quiet": "ru", "by_digest": "ru"}
    members = {}
    for key, (country, langs, lang, zone, address, channels, head) in people.items():
        _, m, _ = call("POST", url("delegations", f"/v1/delegations/{delegations[country]}/members"), officer, {
            "full_name": {"en": key.replace("_", " ").title()}, "position": {"en": "Member"},
            "rank": "head_of_government" if head else "minister", "languages": langs, "time_zone": zone,
            "is_head": head, "notifications": {"language": lang, "channels": channels},
            "contact": {"email": address}})
        members[key] = m["id"]
    mailed = ["by_head", "kg_head", "kg_minister"]
    address = {k: people[k][4] for k in people}

    def book(title, start, end, who):
        _, mt, _ = call("POST", url("scheduling", f"/v1/visits/{visit['id']}/meetings"), officer,
                        {"title": title, "kind": "expanded_format", "start": start, "end": end, "venue_id": venue["id"],
                         "participants": [members[k] for k in who]})
        return mt

    def messages_to(key, uid=None):
        out = []
        for mid, message_id, to, msg in arrived():
            if to != address[key]:
                continue
            _, _, cal = parts(msg)
            if uid and not (cal and str(event_of(cal[1])["UID"]) == uid):
                continue
            out.append((message_id, msg))
        return out

    # --- 1. a meeting: e-mails in each member's language and zone, with an invitation --------
    TALKS_TITLE = {"ru": "Переговоры в расширенном составе", "ky": "Кеңейтилген курамдагы сүйлөшүүлөр",
                   "en": "Talks in expanded format"}
    talks = book(TALKS_TITLE, "2025-09-28T10:00:00+03:00", "2025-09-28T11:00:00+03:00",
                 ["by_head", "kg_head", "kg_minister", "by_refused", "by_inbox_only"])
    uid = f"{talks['id']}@concord"
    for key in mailed:
        wait_for(lambda key=key: len(messages_to(key, uid)) >= 1, f"the invitation to {key}")
    local = {"Europe/Minsk": "2025-09-28 10:00 (Europe/Minsk, UTC+03:00)",
             "Asia/Bishkek": "2025-09-28 13:00 (Asia/Bishkek, UTC+06:00)"}
    for key in mailed:
        (message_id, msg), = messages_to(key, uid)
        text, html, cal = parts(msg)
        lang = expected_lang[key]
        if msg["Content-Language"] != lang:
            fail(f"{key}: Content-Language {msg['Content-Language']}, expected {lang}")
        if local[people[key][3]] not in text:
            fail(f"{key}: the text does not give the time in {people[key][3]} with the zone named:\n{text}")
        if not html or local[people[key][3]] not in html:
            fail(f"{key}: no HTML part with the local time")
        with open(os.path.join(REPO, f"services/notifications/messages/{lang}.json"), encoding="utf-8") as f:
            template = json.load(f)["messages"]["meeting.scheduled"]["title"]
        if str(msg["Subject"]) != template.replace("{meeting}", TALKS_TITLE[lang]):
            fail(f"{key}: the subject is not the {lang} catalogue's: {msg['Subject']!r}")
        method, calendar = cal
        ev = event_of(calendar)
        if method != "REQUEST" or str(calendar["METHOD"]) != "REQUEST" or int(ev["SEQUENCE"]) != 0:
            fail(f"{key}: expected METHOD:REQUEST SEQUENCE 0, got {method} {calendar.get('METHOD')} {ev.get('SEQUENCE')}")
        if ev.decoded("DTSTART").isoformat() != "2025-09-28T07:00:00+00:00":
            fail(f"{key}: DTSTART {ev.decoded('DTSTART')}")
        if str(ev["ATTENDEE"]).lower() != f"mailto:{address[key]}":
            fail(f"{key}: ATTENDEE {ev['ATTENDEE']}")
        if not re.fullmatch(r"<[0-9a-f-]{36}@" + re.escape(DOMAIN) + ">", message_id if message_id.startswith("<") else f"<{message_id}>"):
            fail(f"{key}: Message-ID {message_id}")
    if messages_to("by_inbox_only"):
        fail("a member who did not choose e-mail got one")
    say("invitations arrived: ru (Minsk time), en and " + KY_LANG + " (Bishkek time), parsed by icalendar, METHOD:REQUEST SEQUENCE:0")

    # The programme's own calendar gives the meeting the same UID and SEQUENCE.
    status, ics, _ = call("GET", url("scheduling", f"/v1/visits/{visit['id']}/programme.ics"), officer)
    programme = Calendar.from_ical(ics)
    (pev,) = [c for c in programme.walk() if c.name == "VEVENT" and str(c["UID"]) == uid]
    if int(pev["SEQUENCE"]) != 0:
        fail(f"the programme calendar's SEQUENCE is {pev['SEQUENCE']}, the invitation's 0")

    # --- 2. a reschedule raises SEQUENCE under the same UID; a cancellation sends CANCEL ----
    _, _, h = call("GET", url("scheduling", f"/v1/meetings/{talks['id']}"), officer)
    call("PATCH", url("scheduling", f"/v1/meetings/{talks['id']}"), officer,
         {"start": "2025-09-28T10:30:00+03:00", "end": "2025-09-28T11:30:00+03:00"}, {"If-Match": h["ETag"]})
    for key in mailed:
        wait_for(lambda key=key: len(messages_to(key, uid)) >= 2, f"the moved invitation to {key}")
    for key in mailed:
        seqs = sorted((int(event_of(parts(m)[2][1])["SEQUENCE"]), parts(m)[2][0],
                       event_of(parts(m)[2][1]).decoded("DTSTART").isoformat()) for _, m in messages_to(key, uid))
        if seqs != [(0, "REQUEST", "2025-09-28T07:00:00+00:00"), (1, "REQUEST", "2025-09-28T07:30:00+00:00")]:
            fail(f"{key}: after the move expected SEQUENCE 0 then 1, both REQUEST: {seqs}")
    _, _, h = call("GET", url("scheduling", f"/v1/meetings/{talks['id']}"), officer)
    call("POST", url("scheduling", f"/v1/meetings/{talks['id']}/cancel"), officer, {"reason": "Изменение программы"},
         {"If-Match": h["ETag"]})
    for key in mailed:
        wait_for(lambda key=key: len(messages_to(key, uid)) >= 3, f"the cancellation to {key}")
        cancels = [m for _, m in messages_to(key, uid) if parts(m)[2][0] == "CANCEL"]
        if len(cancels) != 1:
            fail(f"{key}: expected one METHOD:CANCEL")
        cal = parts(cancels[0])[2][1]
        ev = event_of(cal)
        if str(cal["METHOD"]) != "CANCEL" or int(ev["SEQUENCE"]) != 2 or str(ev["STATUS"]) != "CANCELLED":
            fail(f"{key}: the cancellation has METHOD {cal['METHOD']}, SEQUENCE {ev['SEQUENCE']}, STATUS {ev['STATUS']}")
    _, ics, _ = call("GET", url("scheduling", f"/v1/visits/{visit['id']}/programme.ics"), officer)
    (pev,) = [c for c in Calendar.from_ical(ics).walk() if c.name == "VEVENT" and str(c["UID"]) == uid]
    if int(pev["SEQUENCE"]) != 2:
        fail(f"the programme calendar's SEQUENCE is {pev['SEQUENCE']} after the cancellation, the e-mail's 2")
    say("a reschedule sent SEQUENCE 1 under the same UID, the cancellation METHOD:CANCEL SEQUENCE 2 (as the programme's ICS)")

    # --- 3. the refused recipient: dead-lettered, its address listed as failing --------------
    def failing():
        _, doc, _ = call("GET", url("notifications", "/v1/email-addresses/failing"), officer)
        return [f for f in doc["items"] if f["member_id"] == members["by_refused"]]
    (f,) = wait_for(failing, "the refused address listed as failing")
    if f["address"] != address["by_refused"] or "550" not in f["reason"]:
        fail(f"the failing address says {f}")
    _, doc, _ = call("GET", url("notifications", f"/v1/emails?member_id={members['by_refused']}"), officer)
    dead = [e for e in doc["items"] if e["status"] == "dead_lettered"]
    if not dead or dead[0]["last_code"] != 550:
        fail(f"the refused e-mail is not dead-lettered with 550: {doc['items']}")

    def topic_events(topic):
        """Events of one topic of the file log (the record format of libs/events/src/record_format.hpp)."""
        events = []
        with open(os.path.join(data_dir, "log", "topics", topic + ".log"), "rb") as fh:
            blob = fh.read()
        pos = 8
        while pos + 12 <= len(blob):
            magic, length, _crc = struct.unpack_from("<III", blob, pos)
            if magic != 0xC0C04EFE:
                break
            body = blob[pos + 12: pos + 12 + length]
            kind, count = struct.unpack_from("<BI", body, 0)
            at = 5
            if kind == 2:
                (glen,) = struct.unpack_from("<I", body, at)
                at += 4 + glen + 8
            for _ in range(count):
                (klen,) = struct.unpack_from("<I", body, at)
                at += 4 + klen
                (elen,) = struct.unpack_from("<I", body, at)
                events.append(json.loads(body[at + 4: at + 4 + elen]))
                at += 4 + elen
            pos += 12 + length
        return events
    letters = [e for e in topic_events("concord.webhooks.dlq.v1")
               if e["type"] == "concord.notifications.email.dead_lettered" and e["data"]["id"] == dead[0]["id"]]
    if not letters:
        fail("the refused e-mail is not on the dead-letter topic")
    if address["by_refused"] in json.dumps(letters[0]):
        fail("the dead letter carries the address (personal data)")
    public = topic_events("concord.notifications.v1")
    kinds = {e["type"] for e in public}
    for t in ("concord.notifications.email.queued", "concord.notifications.email.sent",
              "concord.notifications.email.dead_lettered", "concord.notifications.email.address_failing"):
        if t not in kinds:
            fail(f"no {t} on concord.notifications.v1")
    shaped = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
    for e in public + letters:
        if shaped.search(json.dumps(e["data"], ensure_ascii=False)):
            fail(f"{e['type']} publishes something shaped like an address: {e['data']}")
    say(f"the refused recipient (550) was dead-lettered to concord.webhooks.dlq.v1 and its address listed as failing")

    # --- quiet hours hold a non-urgent e-mail; an urgent one (a cancellation) goes at once ----
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo
    minsk_now = datetime.now(ZoneInfo("Europe/Minsk"))
    quiet = {"start": (minsk_now - timedelta(hours=1)).strftime("%H:%M"), "end": (minsk_now + timedelta(hours=2)).strftime("%H:%M")}
    quiet_token = token("delegation_member", "by_quiet", members["by_quiet"], delegations["BY"])
    call("PUT", url("notifications", "/v1/preferences"), quiet_token, {"quiet_hours": quiet})
    held = book({"en": "Consultations", "ru": "Консультации"}, "2025-09-29T16:00:00+03:00", "2025-09-29T17:00:00+03:00",
                ["by_quiet", "kg_minister"])
    held_uid = f"{held['id']}@concord"
    wait_for(lambda: len(messages_to("kg_minister", held_uid)) >= 1, "the e-mail to a member without quiet hours")
    time.sleep(2)
    if messages_to("by_quiet", held_uid):
        fail("quiet hours did not hold a non-urgent e-mail")
    _, doc, _ = call("GET", url("notifications", "/v1/emails"), quiet_token)
    (q,) = [e for e in doc["items"] if e["invitation"] == "REQUEST"]
    if q["status"] != "queued" or q["attempts"] != 0 or q["not_before"] <= q["queued_at"]:
        fail(f"the held e-mail should wait, unattempted, until after quiet hours: {q}")
    _, _, h = call("GET", url("scheduling", f"/v1/meetings/{held['id']}"), officer)
    call("POST", url("scheduling", f"/v1/meetings/{held['id']}/cancel"), officer, {"reason": "—"}, {"If-Match": h["ETag"]})
    wait_for(lambda: [m for _, m in messages_to("by_quiet", held_uid) if parts(m)[2][0] == "CANCEL"],
             "the urgent cancellation despite quiet hours")
    if any(parts(m)[2][0] == "REQUEST" for _, m in messages_to("by_quiet", held_uid)):
        fail("the held invitation went out during quiet hours")
    say(f"quiet hours ({quiet['start']}-{quiet['end']} Minsk) held the invitation (not before {q['not_before']}); "
        "the cancellation, urgent, went at once")

    # --- the daily digest: non-urgent e-mails held, then one digest at the member's time -------
    if datetime.now(ZoneInfo("Europe/Minsk")).second > 45:
        time.sleep(16)  # what is held must be queued before the digest time, a minute ahead
    digest_at = (datetime.now(ZoneInfo("Europe/Minsk")) + timedelta(minutes=1)).strftime("%H:%M")
    digest_token = token("delegation_member", "by_digest", members["by_digest"], delegations["BY"])
    call("PUT", url("notifications", "/v1/preferences"), digest_token, {"email_digest": {"time": digest_at}})
    mid = members["by_digest"]
    call("POST", url("delegations", f"/v1/members/{mid}/accreditation"), officer, {"action": "request"})
    call("POST", url("delegations", f"/v1/members/{mid}/accreditation"), officer,
         {"action": "approve", "badge_number": "BY-0777"})

    def digest_emails():
        return call("GET", url("notifications", "/v1/emails"), digest_token)[1]["items"]
    wait_for(lambda: any(e["kind"] == "accreditation.approved" and e["status"] == "held" for e in digest_emails()),
             "the accreditation e-mail held for the digest")
    if messages_to("by_digest"):
        fail("an e-mail held for the digest went out on its own")
    wait_for(lambda: len(messages_to("by_digest")) >= 1, f"the digest at {digest_at} Minsk", timeout=120)
    time.sleep(3)  # a second digest, were there one, would have been queued by now
    got = messages_to("by_digest")
    if len(got) != 1:
        fail(f"expected one digest e-mail, got {len(got)}")
    (message_id, msg), = got
    text = parts(msg)[0]
    if not message_id.lstrip("<").startswith("digest-" + mid + "-") or not msg["Subject"].startswith("Сводка за день"):
        fail(f"not the digest: {message_id} {msg['Subject']}")
    if "BY-0777" not in text or "Europe/Minsk" not in text or msg["Content-Language"] != "ru":
        fail(f"the digest does not list the held accreditation in Russian with Minsk time:\n{text}")
    if any(e["status"] == "held" for e in digest_emails()):
        fail(f"e-mails still held after the digest: {digest_emails()}")
    say(f"the digest at {digest_at} Minsk: one e-mail ({msg['Subject']}) carried what was held")

    # --- 4. the server stopped mid-burst, Concord killed and restarted: all arrive, one id each
    stop_mailpit()
    burst = []
    for i in range(8):
        burst.append(book({"en": f"Working group {i + 1}", "ru": f"Рабочая группа {i + 1}"},
                          f"2025-09-29T{9 + i:02d}:00:00+03:00", f"2025-09-29T{9 + i:02d}:45:00+03:00", mailed))
    time.sleep(3)  # some attempts fail against the stopped server
    procs["concord"].kill()
    procs["concord"].wait()
    start_concord()
    time.sleep(2)
    start_mailpit()
    say("the SMTP server was stopped for the burst of 8 meetings (24 e-mails); Concord was SIGKILLed and restarted")
    burst_uids = {f"{m['id']}@concord" for m in burst}

    def burst_messages():
        got = {}
        for _, message_id, to, msg in arrived():
            cal = parts(msg)[2]
            if cal and str(event_of(cal[1])["UID"]) in burst_uids:
                got.setdefault((to, str(event_of(cal[1])["UID"])), set()).add(message_id)
        return got
    got = wait_for(lambda: (lambda g: g if len(g) == len(mailed) * len(burst) else None)(burst_messages()),
                   "every e-mail of the burst", timeout=120)
    for (to, u), ids in got.items():
        if len(ids) != 1:
            fail(f"the e-mail to {to} for {u} arrived under {len(ids)} Message-IDs: {ids}")
    # Each Message-ID is the notification's: <notification id>@domain, the one in the inbox.
    for key in mailed:
        member_token = token("delegation_member", key, members[key], delegations[people[key][0]])
        _, inbox, _ = call("GET", url("notifications", "/v1/inbox?limit=200"), member_token)
        ids = {f"{n['id']}@{DOMAIN}" for n in inbox["items"]}
        for (to, u), mids in got.items():
            if to == address[key] and not {m.strip("<>") for m in mids} <= ids:
                fail(f"{key}: a Message-ID that is no notification of theirs: {mids}")
    # The outage was real: e-mails of the burst were tried against the stopped server first.
    retried = 0
    for key in mailed:
        _, doc, _ = call("GET", url("notifications", f"/v1/emails?member_id={members[key]}&limit=200"), officer)
        retried += sum(1 for e in doc["items"] if e["status"] == "sent" and e["attempts"] > 1)
        if any(e["status"] != "sent" for e in doc["items"]):
            fail(f"{key}: e-mails not sent: {[e for e in doc['items'] if e['status'] != 'sent']}")
    if retried == 0:
        fail("no e-mail of the burst needed a second attempt: the outage was not exercised")
    total = sum(1 for _, _, to, msg in arrived() if parts(msg)[2] and str(event_of(parts(msg)[2][1])["UID"]) in burst_uids)
    say(f"all {len(got)} e-mails of the burst arrived once the server was back ({retried} after failed attempts), one Message-ID each "
        f"({total - len(got)} sent twice under the same id: at least once)")
    # --- implicit TLS (smtps://) with the credentials in the URL; the password never logged ---
    tls_smtp, tls_http = free_ports(2)
    log = open(os.path.join(work, "mailpit-tls.log"), "a")
    procs["mailpit-tls"] = subprocess.Popen(
        [MAILPIT, "--smtp", f"127.0.0.1:{tls_smtp}", "--listen", f"127.0.0.1:{tls_http}",
         "--database", os.path.join(work, "mailpit-tls.db"), "--smtp-tls-cert", os.path.join(work, "smtp.pem"),
         "--smtp-tls-key", os.path.join(work, "smtp.key"), "--smtp-require-tls",
         "--smtp-auth-file", os.path.join(work, "smtp-auth"), "--smtp-disable-rdns"], stdout=log, stderr=subprocess.STDOUT)
    tls_api = f"http://127.0.0.1:{tls_http}/api/v1"
    wait_for(lambda: call("GET", tls_api + "/info", expect=None)[0] == 200, "Mailpit with implicit TLS")
    procs["concord"].terminate()
    procs["concord"].wait()
    for k in ("CONCORD_SMTP_USER", "CONCORD_SMTP_PASSWORD"):
        env.pop(k)
    env["CONCORD_SMTP_URL"] = f"smtps://concord:{smtp_password}@127.0.0.1:{tls_smtp}"
    start_concord()
    book({"en": "Closing talks", "ru": "Заключительные переговоры"}, "2025-09-29T18:00:00+03:00",
                       "2025-09-29T18:30:00+03:00", ["kg_minister"])
    wait_for(lambda: any(m["Subject"] == "Meeting scheduled: Closing talks"
                         for m in call("GET", tls_api + "/messages")[1]["messages"]), "the e-mail over implicit TLS")
    with open(os.path.join(work, "concord.log"), encoding="utf-8", errors="replace") as f:
        if smtp_password in f.read():
            fail("the SMTP password appears in the service's log")
    say("smtps:// (implicit TLS) with the credentials in the URL delivered too; the password is in no log line")

    # Every event on the public topics against docs/asyncapi.yaml (schemas, order per subject, no
    # personal data), with the checker the seed scenario uses on its integrator's output.
    jsonl = os.path.join(work, "events.jsonl")
    private = os.path.join(work, "private.jsonl")
    for path, topics in ((jsonl, ["concord.scheduling.v1", "concord.delegations.v1", "concord.documents.v1",
                                  "concord.notifications.v1"]), (private, ["concord.delegations.private.v1"])):
        with open(path, "w") as out:
            for topic in topics:
                for offset, ev in enumerate(topic_events(topic)):
                    out.write(json.dumps({"topic": topic, "partition": 0, "offset": offset, "key": ev.get("subject"),
                                          "headers": {}, "event": ev}, ensure_ascii=False) + "\n")
    checked = subprocess.run([sys.executable, os.path.join(REPO, "tests/e2e/lib/check_events.py"), "--asyncapi",
                              os.path.join(REPO, "docs/asyncapi.yaml"), "--events", jsonl, "--private", private],
                             capture_output=True, text=True)
    if checked.returncode != 0:
        fail("the events do not keep the published contract:\n" + checked.stdout[-3000:] + checked.stderr[-3000:])
    say(checked.stderr.strip().splitlines()[-1] if checked.stderr.strip() else checked.stdout.strip().splitlines()[-1])
    say("passed")
finally:
    cleanup()
