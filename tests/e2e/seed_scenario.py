#!/usr/bin/env python3
"""The seed scenario (issue 9): the Belarus–Kyrgyzstan official visit of 28–29 September 2025 in
Minsk, played over HTTP against the four services running as four processes on a real Kafka
broker and a real Redis, watched by the integrator example.

Run by tests/e2e/seed_scenario.sh (which installs the pinned tools and runs this file with
their venv's python). Steps:
  1. the contracts: docs/asyncapi.yaml through @asyncapi/parser;
  2. the integrator example built exactly as the README's "For integrators" block says;
  3. run A (clean): the story, every member's inbox checked against what was meant for them
     (kinds and subjects, language, time zone), every notification arrived as an e-mail at the
     member's address (Mailpit, STARTTLS and AUTH required; one Message-ID per notification, its
     subject the notification's title), the webhook receiver, the final state captured;
  4. run B: the same story against two replicas of each service (a writer and a hot standby,
     elected through Kafka; eight processes), the client sending each request to either replica
     (a read with the Concord-Min-Position of its last write to that service, retrying a 503 or
     a refused connection with the same Idempotency-Key on the other one); before steps drawn
     from a kill seed (new every run, printed; CONCORD_E2E_KILL_SEED replays it) the current
     writer of a service is SIGKILLed and restarted at once, coming back as a standby. The
     kills, how long the next write took and the longest write gap are printed. Every replica's
     final state, normalized, must equal run A's;
  5. the integrator reads all four public topics (and, for the personal-data check, the
     private one): every event valid against its AsyncAPI schema, in order per key, no
     personal data; both runs published the same events per aggregate (nothing lost or
     duplicated by the kills);
  6. schemathesis against each running service with a fixed seed, and every documented
     operation refused without a token.
Every service has shipped: a route the story uses answering 404, or a contract file missing,
fails the run like any other misbehaviour.
"""
import base64
import collections
import copy
import hashlib
import hmac
import http.server
import json
import os
import random
import re
import ssl
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "lib"))
import check_events  # noqa: E402

BIN = os.environ.get("CONCORD_BIN") or os.path.join(REPO, "build", "bin")
SEED = int(os.environ.get("CONCORD_E2E_SEED", "20250928"))
# Idempotency keys that must hold across the retries of one run but never meet a key of an
# earlier run on the same Redis (it remembers keys for a day).
INVOCATION = uuid.uuid4().hex[:12]
# How long a request refused because a view lags ("... is known from ...") is retried.
LAG_TIMEOUT = float(os.environ.get("CONCORD_E2E_LAG_TIMEOUT", "150"))
# Run B: every service as two replicas (a writer and a hot standby), the current writer of a
# service SIGKILLed before steps drawn from the kill seed, and restarted (as a standby). A new
# seed every run, printed; CONCORD_E2E_KILL_SEED replays a run's plan (and its clients' choices
# of replica). CONCORD_E2E_KILLS writers are killed (at least one per service).
REPLICAS = 2
KILL_SEED = int(os.environ.get("CONCORD_E2E_KILL_SEED") or random.SystemRandom().randrange(1, 2**31))
KILLS = max(4, int(os.environ.get("CONCORD_E2E_KILLS", "6")))
# How long a killed writer keeps its role before the standby is elected (the broker's minimum in
# deploy/local is 1 s; production keeps the default 6 s).
ELECTION_SESSION = "2s"
JWT_SECRET = "concord-e2e-secret-0123456789abcdef0123456789abcdef"
SERVICES = ["scheduling", "delegations", "documents", "notifications"]
PUBLIC_TOPICS = ["concord.scheduling.v1", "concord.delegations.v1", "concord.documents.v1", "concord.notifications.v1"]
PRIVATE_TOPIC = "concord.delegations.private.v1"

FAILURES = []
T0 = time.time()


def say(msg):
    print(f"[seed {time.time() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def fail(msg):
    FAILURES.append(msg)
    say("FAIL: " + msg)


def pending(msg):
    """Something the story needs is missing (a route answering 404, a contract file): a failure."""
    fail("missing: " + msg)


class Abort(Exception):
    pass


def free_ports(n):
    out = subprocess.run([os.path.join(REPO, "deploy/local/free-port.sh"), str(n)], check=True,
                         capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


# --- HTTP ------------------------------------------------------------------------------------

class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"{self.status} {self.body[:300]!r}"


def request(method, url, token=None, body=None, headers=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return Reply(r.status, dict(r.headers), r.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as e:
        return Reply(e.code, dict(e.headers), e.read().decode("utf-8", "replace"))


def token(role, sub, member_id=None, delegation_id=None):
    args = [os.path.join(BIN, "concord"), "token", "--role", role, "--sub", sub, "--ttl", "2h"]
    if member_id:
        args += ["--member-id", member_id]
    if delegation_id:
        args += ["--delegation-id", delegation_id]
    env = dict(os.environ, CONCORD_JWT_SECRET=JWT_SECRET)
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout.strip()


# --- processes -------------------------------------------------------------------------------

class Service:
    """One process of a service; `index` names it among its service's replicas (run B)."""

    def __init__(self, name, port, env, workdir, index=None):
        self.name, self.port, self.env, self.workdir, self.index = name, port, env, workdir, index
        self.tag = name if index is None else f"{name}-{index}"
        self.proc = None
        self.url = f"http://127.0.0.1:{port}"
        self.starts = 0

    def launch(self):
        """Starts the process without waiting for it (a replica restarted after a kill)."""
        self.starts += 1
        env = dict(self.env)
        if self.index is not None:
            # Names this process in the writer election: a new name for every start, as a new pod has.
            env["CONCORD_INSTANCE"] = f"{self.tag}-{self.starts}"
        log = open(os.path.join(self.workdir, f"{self.tag}.log"), "ab")
        log.write(f"==== start {self.starts}\n".encode())
        log.flush()
        try:
            self.proc = subprocess.Popen([os.path.join(BIN, "concord-" + self.name)], env=env, stdout=log,
                                         stderr=log, stdin=subprocess.DEVNULL)
        except OSError as e:
            raise Abort(f"cannot start concord-{self.name}: {e}")
        finally:
            log.close()

    def wait_ready(self, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Abort(f"concord-{self.tag} exited with {self.proc.returncode} during start:\n{self.tail()}")
            if (self.readyz() or {}).get("status") == "ready":
                return
            time.sleep(0.1)
        raise Abort(f"concord-{self.tag} was not ready within {timeout}s:\n{self.tail()}")

    def start(self, timeout=120):
        self.launch()
        self.wait_ready(timeout)

    def readyz(self):
        """The readiness document (its checks name the replica's role), or None."""
        try:
            return request("GET", self.url + "/readyz", timeout=2).json
        except OSError:
            return None

    def role(self):
        """"writer", "standby" or "starting" as /readyz says; None when it does not answer."""
        return ((self.readyz() or {}).get("checks") or {}).get("role")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()

    def tail(self, n=30):
        try:
            with open(os.path.join(self.workdir, f"{self.tag}.log"), "rb") as f:
                return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-n:])
        except OSError:
            return ""


class Stack:
    """Redis and Kafka: the test command's (reused, never stopped) or our own."""

    def __init__(self, workdir):
        self.own = False
        self.workdir = workdir
        if os.environ.get("KAFKA_BROKERS") and os.environ.get("REDIS_URL"):
            self.kafka, self.redis = os.environ["KAFKA_BROKERS"], os.environ["REDIS_URL"]
            say(f"reusing the test run's stack: KAFKA_BROKERS={self.kafka} REDIS_URL={self.redis}")
            return
        self.own = True
        kp, cp, rp = free_ports(3)
        self.env = dict(os.environ, CONCORD_STACK_DIR=os.path.join(workdir, "stack"), KAFKA_PORT=str(kp),
                        KAFKA_CONTROLLER_PORT=str(cp), REDIS_PORT=str(rp))
        out = subprocess.run([os.path.join(REPO, "deploy/local/stack.sh"), "start"], env=self.env, check=True,
                             capture_output=True, text=True).stdout
        values = dict(line.split("=", 1) for line in out.split())
        self.kafka, self.redis = values["KAFKA_BROKERS"], values["REDIS_URL"]
        say(f"started a stack: KAFKA_BROKERS={self.kafka} REDIS_URL={self.redis}")

    def stop(self):
        if self.own:
            subprocess.run([os.path.join(REPO, "deploy/local/stack.sh"), "stop"], env=self.env,
                           capture_output=True)


class MailServer:
    """Mailpit (tests/e2e/lib/mailpit.sh, CONCORD_E2E_MAILPIT) requiring STARTTLS with a
    certificate from a CA made here, and AUTH; both runs send to it. CONCORD_E2E_MAIL=0: none."""

    DOMAIN = "commission.example.org"

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "mail")
        os.makedirs(self.dir)

        def openssl(*args):
            subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=self.dir)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=Concord seed mail CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "smtp.key", "-out", "smtp.csr", "-subj", "/CN=127.0.0.1")
        with open(os.path.join(self.dir, "san.ext"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", "smtp.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "smtp.pem", "-days", "2", "-extfile", "san.ext")
        self.password = "seed-mail-password"
        hashed = subprocess.run(["openssl", "passwd", "-apr1", self.password], check=True, capture_output=True,
                                text=True).stdout.strip()
        with open(os.path.join(self.dir, "auth"), "w") as f:
            f.write(f"concord:{hashed}\n")
        self.smtp_port, http_port = free_ports(2)
        self.api = f"http://127.0.0.1:{http_port}/api/v1"
        self.log = open(os.path.join(self.dir, "mailpit.log"), "w")
        self.proc = subprocess.Popen(
            [os.environ["CONCORD_E2E_MAILPIT"], "--smtp", f"127.0.0.1:{self.smtp_port}", "--listen",
             f"127.0.0.1:{http_port}", "--database", os.path.join(self.dir, "mailpit.db"),
             "--smtp-tls-cert", os.path.join(self.dir, "smtp.pem"), "--smtp-tls-key", os.path.join(self.dir, "smtp.key"),
             "--smtp-require-starttls", "--smtp-auth-file", os.path.join(self.dir, "auth"), "--smtp-disable-rdns",
             "--max", "10000"], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                if request("GET", self.api + "/info", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or self.proc.poll() is not None:
                raise Abort("Mailpit did not start")
            time.sleep(0.2)
        say(f"Mailpit on {self.smtp_port} (STARTTLS and AUTH required)")

    def env(self):
        return {"CONCORD_SMTP_URL": f"smtp://127.0.0.1:{self.smtp_port}", "CONCORD_SMTP_USER": "concord",
                "CONCORD_SMTP_PASSWORD": self.password, "CONCORD_SMTP_FROM": f"concord@{self.DOMAIN}",
                "CONCORD_SMTP_CA_FILE": os.path.join(self.dir, "ca.pem"), "CONCORD_SMTP_RETRY_SCHEDULE": "1s,2s,5s,10s"}

    def messages(self):
        """(Message-ID, recipient, subject) of everything that arrived."""
        out, start = [], 0
        while True:
            r = request("GET", f"{self.api}/messages?start={start}&limit=1000")
            page = r.json["messages"]
            out += [(m["MessageID"], (m["To"] or [{}])[0].get("Address"), m["Subject"]) for m in page]
            start += len(page)
            if not page or start >= r.json["messages_count"]:
                return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.log.close()


class System:
    """The four services, each as `replicas` processes of one run: one process each (run A, the
    contracts), or a writer and a hot standby each on the Kafka broker (run B, DESIGN §7)."""

    def __init__(self, stack, workdir, label, mail=None, replicas=1):
        self.workdir = os.path.join(workdir, label)
        os.makedirs(self.workdir, exist_ok=True)
        ports = iter(free_ports(len(SERVICES) * replicas))
        self.replicas = {}
        for name in SERVICES:
            group = []
            for i in range(replicas):
                port = next(ports)
                tag = name if replicas == 1 else f"{name}-{i}"
                data = os.path.join(self.workdir, tag + "-data")
                os.makedirs(data, exist_ok=True)
                env = {k: v for k, v in os.environ.items() if not k.startswith("CONCORD_")}
                env.update({"KAFKA_BROKERS": stack.kafka, "REDIS_URL": stack.redis, "CONCORD_DATA_DIR": data,
                            "CONCORD_JWT_SECRET": JWT_SECRET, "CONCORD_LOG_LEVEL": "info",
                            "CONCORD_ACCESS_LOG": "false", f"CONCORD_{name.upper()}_ADDR": f"127.0.0.1:{port}",
                            "CONCORD_HTTP_ADDR": f"127.0.0.1:{port}",
                            # The test's webhook receiver listens on loopback, which production refuses.
                            "CONCORD_WEBHOOK_ALLOW_PRIVATE": "true",
                            # One key for every notifications process of the test (as one deployment
                            # has): subscription secrets derive from it.
                            "CONCORD_WEBHOOK_KEY": "concord-e2e-webhook-key-0123456789abcdef",
                            "CONCORD_WEBHOOK_RETRY_SCHEDULE": "1s,2s,5s",
                            # The integrator's receiver speaks HTTPS with a certificate of the
                            # test's own CA, which notifications trusts beside the system's.
                            "CONCORD_WEBHOOK_CA_FILE": TLS["ca"]})
                if replicas > 1:
                    env.update({
                        # A killed writer keeps its role this long before the standby is elected.
                        "CONCORD_ELECTION_SESSION_TIMEOUT": ELECTION_SESSION,
                        # Stable across restarts, as a StatefulSet's pod name is: a restarted
                        # notifications replica takes its processors' partitions back at once.
                        "CONCORD_INSTANCE_ID": f"seed-{INVOCATION}-{label}-{tag}"})
                if mail and name == "notifications":
                    env.update(mail.env())
                group.append(Service(name, port, env, self.workdir, None if replicas == 1 else i))
            self.replicas[name] = group

    def processes(self):
        return [s for group in self.replicas.values() for s in group]

    def start(self):
        for s in self.processes():
            s.launch()
        for s in self.processes():
            s.wait_ready()

    def stop(self):
        for s in self.processes():
            s.stop()

    def url(self, name):
        return self.replicas[name][0].url

    def urls(self, name):
        return [s.url for s in self.replicas[name]]

    def writer(self, name, timeout=60):
        """The replica of `name` that says it is the writer (waits for one to be elected)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for s in self.replicas[name]:
                if s.alive() and s.role() == "writer":
                    return s
            time.sleep(0.1)
        raise Abort(f"no writer of {name} within {timeout}s: roles "
                    f"{[(s.tag, s.alive() and s.role()) for s in self.replicas[name]]}")


# --- the story -------------------------------------------------------------------------------

# Members: key → (side, rank, full_name {ru, en, ky?}, position, languages, time zone, head?, order)
BY, KG = "by", "kg"
MEMBERS = [
    ("by_head", BY, "head_of_government", {"ru": "Александр Турчин", "en": "Aleksandr Turchin"},
     {"ru": "Премьер-министр Республики Беларусь", "en": "Prime Minister of Belarus"}, ["ru", "en"], "Europe/Minsk", True, 1),
    ("by_deputy", BY, "deputy_head_of_government", {"ru": "Виктор Каранкевич", "en": "Viktor Karankevich"},
     {"ru": "Заместитель Премьер-министра", "en": "Deputy Prime Minister"}, ["ru"], "Europe/Minsk", False, 2),
    ("by_min_economy", BY, "minister", {"ru": "Юрий Чеботарь", "en": "Yury Chebotar"},
     {"ru": "Министр экономики", "en": "Minister of Economy"}, ["ru", "en"], "Europe/Minsk", False, 3),
    ("by_min_agriculture", BY, "minister", {"ru": "Юрий Горлов", "en": "Yury Gorlov"},
     {"ru": "Министр сельского хозяйства и продовольствия", "en": "Minister of Agriculture and Food"}, ["ru"],
     "Europe/Minsk", False, 4),
    ("by_ambassador", BY, "ambassador", {"ru": "Алексей Ставский", "en": "Aleksei Stavskii"},
     {"ru": "Посол Беларуси в Кыргызстане", "en": "Ambassador of Belarus to Kyrgyzstan"}, ["ru", "en"],
     "Asia/Bishkek", False, 5),
    ("by_interpreter", BY, "interpreter", {"ru": "Анна Ковалёва", "en": "Anna Kovaleva"},
     {"ru": "Переводчик", "en": "Interpreter"}, ["ru", "en", "ky"], "Europe/Minsk", False, None),
    ("kg_head", KG, "head_of_government", {"ky": "Адылбек Касымалиев", "ru": "Адылбек Касымалиев", "en": "Adylbek Kasymaliev"},
     {"ky": "Министрлер Кабинетинин Төрагасы", "ru": "Председатель Кабинета Министров", "en": "Chairman of the Cabinet of Ministers"},
     ["ky", "ru"], "Asia/Bishkek", True, 1),
    ("kg_deputy", KG, "deputy_head_of_government", {"ky": "Данияр Амангельдиев", "ru": "Данияр Амангельдиев", "en": "Daniiar Amangeldiev"},
     {"ky": "Төрагасынын орун басары", "ru": "Заместитель Председателя", "en": "Deputy Chairman"}, ["ky", "ru", "en"],
     "Asia/Bishkek", False, 2),
    ("kg_min_economy", KG, "minister", {"ky": "Бакыт Төрөбаев", "ru": "Бакыт Торобаев", "en": "Bakyt Torobaev"},
     {"ky": "Экономика министри", "ru": "Министр экономики и коммерции", "en": "Minister of Economy and Commerce"},
     ["ky", "ru"], "Asia/Bishkek", False, 3),
    ("kg_min_agriculture", KG, "minister", {"ky": "Бакыт Асанов", "ru": "Бакыт Асанов", "en": "Bakyt Asanov"},
     {"ky": "Айыл чарба министри", "ru": "Министр сельского хозяйства", "en": "Minister of Agriculture"},
     ["ky", "en"], "Asia/Bishkek", False, 4),
    ("kg_ambassador", KG, "ambassador", {"ky": "Эрмек Ибраимов", "ru": "Эрмек Ибраимов", "en": "Ermek Ibraimov"},
     {"ky": "Кыргызстандын Беларустагы элчиси", "ru": "Посол Кыргызстана в Беларуси", "en": "Ambassador of Kyrgyzstan to Belarus"},
     ["ky", "ru"], "Europe/Minsk", False, 5),
    ("kg_interpreter", KG, "interpreter", {"ky": "Айгүл Токтосунова", "ru": "Айгуль Токтосунова", "en": "Aigul Toktosunova"},
     {"ky": "Котормочу", "ru": "Переводчик", "en": "Interpreter"}, ["ky", "ru", "en"], "Asia/Bishkek", False, None),
]
# Notification languages: mostly the first language; one Kyrgyz minister prefers English, one
# Belarusian minister Belarusian (the meetings' titles, given in ru/ky/en, reach him in Russian).
NOTIFY_LANG = {"kg_min_agriculture": "en", "by_ambassador": "en", "by_min_agriculture": "be"}
CATALOGUES = {"en", "ru", "ky", "be"}  # the languages the notifications service has catalogues for
# What only the language's own text has: Kyrgyz ү ө ң and its words for meeting, signing, reason, you;
# Belarusian ў і and its spellings of meeting, document, accreditation.
OWN_LETTERS = {"ky": "(?i)[үөң]|жолугушуу|кол ко|себеби|сиз", "be": "(?i)[ўі]|сустрэч|дакумент|акрэдытац"}
WITHDRAWS = "kg_min_agriculture"

HEADS = ["by_head", "kg_head"]
NARROW = HEADS + ["by_deputy", "kg_deputy", "by_interpreter", "kg_interpreter"]
EXPANDED = [m[0] for m in MEMBERS]
LUNCH = HEADS + ["by_deputy", "kg_deputy", "by_ambassador", "kg_ambassador", "by_interpreter", "kg_interpreter"]


def expected_language(key):
    m = next(x for x in MEMBERS if x[0] == key)
    for lang in [NOTIFY_LANG.get(key, m[5][0])] + m[5]:
        if lang in CATALOGUES:
            return lang
    return "en"


def zone_of(key):
    return next(x for x in MEMBERS if x[0] == key)[6]


class Run:
    """One play of the story. Records every id it creates under a logical name, so two runs'
    states can be compared name for name."""

    def __init__(self, system, label, kills=None, seed=0):
        self.sys = system
        self.label = label
        self.ids = {}        # logical name → id
        self.names = {}      # id → logical name
        # The same subjects in both runs: who did what is part of the state compared.
        self.officer = token("protocol_officer", "protocol-officer")
        self.member_tokens = {}
        self.kills = dict(kills or {})  # step number → service whose writer is SIGKILLed before that step
        self.killed = []                # {step, service, tag, pid, at, heir, elected_after}
        self.restarting = {}            # service → the thread restarting its killed replica
        self.step_no = 0
        self.step_services = {}         # step number → the service its call went to
        self.expected = collections.defaultdict(collections.Counter)  # member → Counter((kind, subject name))
        self.notes = []
        # Which replica each request goes to first (a client behind a load balancer): from the
        # kill seed, so a replay sends the same requests to the same replicas.
        self.rng = random.Random(seed)
        self.read_rng = random.Random(seed + 1)
        # Per service, the log position just past this client's last write (Concord-Position):
        # a read presents it (Concord-Min-Position), so a standby answers with the write in it.
        self.positions = collections.defaultdict(dict)
        self.writes = []  # (seconds from the first attempt to the acknowledgement, service, step, method, path)
        self.attempts = collections.Counter()  # answers that were retried, by status (0: no connection)

    # ids
    def remember(self, name, id_):
        self.ids[name] = id_
        self.names[id_] = name
        return id_

    def id(self, name):
        return self.ids[name]

    # one step: maybe kill a service's writer first (run B), then call, retrying through the failover
    def step(self, service):
        self.step_no += 1
        self.step_services[self.step_no] = service
        victim = self.kills.pop(self.step_no, None)
        if victim:
            self.kill_writer(victim)

    def kill_writer(self, name):
        """SIGKILLs the current writer of `name`; the client carries on at once against the
        standby, which is elected once the killed writer's session ends. The killed replica is
        started again as soon as the standby has taken over (as a controller restarts a pod), so
        it comes back as a standby. A replica killed earlier is ready again first (never both
        down)."""
        self.join_restarts(name)
        group = self.sys.replicas[name]
        for s in group:
            s.wait_ready(timeout=120)
        writer = self.sys.writer(name)
        pid = writer.proc.pid
        writer.kill9()
        killed = {"step": self.step_no, "service": name, "tag": writer.tag, "pid": pid, "at": time.time()}
        self.killed.append(killed)
        say(f"{self.label}: step {self.step_no}: SIGKILL the writer of {name} ({writer.tag}, pid {pid})")

        def restart():
            deadline = time.time() + 60
            while time.time() < deadline:
                heir = next((s for s in group if s is not writer and s.alive() and s.role() == "writer"), None)
                if heir:
                    killed["heir"], killed["elected_after"] = heir.tag, time.time() - killed["at"]
                    break
                time.sleep(0.05)
            try:
                writer.launch()
            except Abort as e:
                killed["error"] = str(e)
        thread = threading.Thread(target=restart, daemon=True)
        thread.start()
        self.restarting[name] = thread

    def join_restarts(self, name=None):
        """Waits for the restarts of killed replicas (of `name`, or all) to have been launched."""
        for n in [name] if name else list(self.restarting):
            thread = self.restarting.pop(n, None)
            if thread:
                thread.join(90)
        for k in self.killed:
            if k.get("error"):
                raise Abort(k["error"])

    def call(self, method, service, path, body=None, who=None, expect=(200, 201), idem=None, if_match=None,
             retry_statuses=(), retry_for=None, step=True, replica=None):
        """One request, retried through lags and failovers with the same Idempotency-Key. It goes
        to a replica of the service drawn by the client (`replica`: that one only), and each retry
        to the next one; a read presents the position of the client's last write to the service."""
        if step:
            self.step(service)
        urls = self.sys.urls(service)
        # Writes draw from the seeded generator (their sequence is the story's); reads, whose
        # number depends on timing (polls), from another.
        draw = self.rng if method != "GET" else self.read_rng
        turn = replica if replica is not None else draw.randrange(len(urls))
        headers = {}
        if method == "POST":
            headers["Idempotency-Key"] = idem or f"{INVOCATION}-{self.label}-{self.step_no}-{uuid.uuid4()}"
        if if_match:
            headers["If-Match"] = if_match
        if method == "GET" and self.positions[service]:
            headers["Concord-Min-Position"] = ",".join(
                f"{t}:{p}:{o}" for t, parts in sorted(self.positions[service].items()) for p, o in sorted(parts.items()))
        first = time.time()
        deadline = first + (retry_for if retry_for is not None else LAG_TIMEOUT)
        while True:
            url = urls[turn % len(urls)] + path
            try:
                r = request(method, url, who or self.officer, body, headers)
            except OSError as e:
                r = None
                err = e
            if r is not None and r.status in expect:
                waited = time.time() - first
                if waited > 5:
                    say(f"{self.label}: {method} {service}{path} went through after {waited:.1f}s of retries")
                if method != "GET":
                    self.writes.append((waited, service, self.step_no, method, path))
                    self.note_position(service, r)
                return r
            # A service that learns of another's aggregates from its topic may not know of one yet
            # ("... is known from scheduling"): its view lags, the request is retried. A write
            # reaching a replica while no writer is elected answers 503 with Retry-After, and a
            # killed replica refuses connections: retried on the next replica.
            lagging = r is not None and r.status in (400, 409, 422) and "known from" in r.body
            in_flight = r is not None and r.status == 409 and "still in progress" in r.body
            if time.time() < deadline and (r is None or lagging or in_flight or r.status in retry_statuses
                                           or r.status in (502, 503, 504)):
                self.attempts[r.status if r is not None else 0] += 1
                # Sooner than Retry-After (1 s) asks: the gap a failover leaves is measured.
                time.sleep(0.2)
                if replica is None:
                    turn += 1
                continue
            raise Abort(f"{self.label}: {method} {service}{path} {json.dumps(body, ensure_ascii=False)[:300]} → "
                        f"{r if r is not None else err}")

    def note_position(self, service, reply):
        header = next((v for k, v in reply.headers.items() if k.lower() == "concord-position"), None)
        for item in (header or "").split(","):
            parts = item.rsplit(":", 2)
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
                continue
            mine = self.positions[service].setdefault(parts[0], {})
            mine[int(parts[1])] = max(mine.get(int(parts[1]), 0), int(parts[2]))

    def wait_for(self, condition, what, timeout=120):
        deadline = time.time() + timeout
        while not condition():
            if time.time() > deadline:
                raise Abort(f"{self.label}: waited {timeout}s for {what}")
            time.sleep(0.1)

    def etag(self, service, path):
        r = self.call("GET", service, path, step=False)
        return r.headers.get("ETag") or r.headers.get("Etag")

    def member_token(self, key):
        if key not in self.member_tokens:
            deleg = self.id("delegation:" + key[:2])
            self.member_tokens[key] = token("delegation_member", key, self.id("member:" + key), deleg)
        return self.member_tokens[key]

    def expect(self, members, kind, subject_name):
        for m in members:
            self.expected[m][(kind, subject_name)] += 1

    # --- the story ---
    def play(self):
        say(f"{self.label}: venues and the visit")
        venues = {
            "palace": {"name": "Palace of Independence", "city": "Minsk", "address": "Pobediteley Ave 1",
                       "time_zone": "Europe/Minsk", "capacity": 300, "buffer_minutes": 15},
            "government_house": {"name": "Government House", "city": "Minsk", "address": "Independence Sq. 11",
                                 "time_zone": "Europe/Minsk", "capacity": 120, "buffer_minutes": 10},
            "hotel_europe": {"name": "Hotel Europe, Banquet Hall", "city": "Minsk", "address": "Internatsionalnaya St 28",
                             "time_zone": "Europe/Minsk", "capacity": 80, "buffer_minutes": 0},
        }
        for key, body in venues.items():
            r = self.call("POST", "scheduling", "/v1/venues", body)
            self.remember("venue:" + key, r.json["id"])
        r = self.call("POST", "scheduling", "/v1/visits", {
            "title": {"ru": "Официальный визит Председателя Кабинета Министров Кыргызской Республики в Республику Беларусь",
                      "ky": "Кыргыз Республикасынын Министрлер Кабинетинин Төрагасынын Беларусь Республикасына расмий сапары",
                      "en": "Official visit of the Chairman of the Cabinet of Ministers of Kyrgyzstan to Belarus"},
            "kind": "official_visit", "host_country": "BY", "guest_country": "KG",
            "starts_on": "2025-09-28", "ends_on": "2025-09-29", "time_zone": "Europe/Minsk"})
        self.remember("visit", r.json["id"])

        say(f"{self.label}: delegations, members, accreditation")
        for side, country, name in ((BY, "BY", {"ru": "Делегация Республики Беларусь", "en": "Delegation of Belarus"}),
                                    (KG, "KG", {"ky": "Кыргыз Республикасынын делегациясы", "ru": "Делегация Кыргызской Республики",
                                                "en": "Delegation of Kyrgyzstan"})):
            r = self.call("POST", "delegations", "/v1/delegations",
                          {"visit_id": self.id("visit"), "country": country,
                           "side": "host" if side == BY else "guest", "name": name})
            self.remember("delegation:" + side, r.json["id"])
        self.keys = {}
        for n, (key, side, rank, full, pos, langs, zone, head, order) in enumerate(MEMBERS):
            body = {"full_name": full, "position": pos, "rank": rank, "languages": langs, "time_zone": zone,
                    "is_head": head, "notifications": {"language": NOTIFY_LANG.get(key, langs[0]), "channels": ["inbox", "email"]},
                    "contact": {"email": f"{key.replace('_', '.')}@gov.example.org", "phone": f"+99655{n:07d}" if side == KG else f"+37529{n:07d}"}}
            if order is not None:
                body["precedence_order"] = order
            if key == "kg_head":
                from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
                from cryptography.hazmat.primitives import serialization
                # Made from the seed, so both runs register the same public key.
                self.keys[key] = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"{SEED}:{key}".encode()).digest())
                raw = self.keys[key].public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
                body["public_key"] = base64.b64encode(raw).decode()
            r = self.call("POST", "delegations", f"/v1/delegations/{self.id('delegation:' + side)}/members", body)
            self.remember("member:" + key, r.json["id"])
            # Travel: personal data, only ever on the private topic.
            arrival = {"time": "2025-09-27T21:40:00+03:00", "flight": "B2 734" if side == KG else "B2 001", "airport": "MSQ"}
            self.call("PUT", "delegations", f"/v1/members/{self.id('member:' + key)}/travel",
                      {"arrival": arrival, "departure": {"time": "2025-09-29T19:05:00+03:00", "airport": "MSQ"},
                       "hotel": {"name": "Hotel Victoria Olimp", "address": "Pobediteley Ave 59, Minsk"}},
                      expect=(200, 201, 204))
        for n, (key, side, *_rest) in enumerate(MEMBERS):
            mid = self.id("member:" + key)
            self.call("POST", "delegations", f"/v1/members/{mid}/accreditation", {"action": "request"})
            badge = f"{side.upper()}-{n + 1:04d}"
            self.call("POST", "delegations", f"/v1/members/{mid}/accreditation", {"action": "approve", "badge_number": badge})
            self.expect([key], "accreditation.approved", "member:" + key)

        say(f"{self.label}: the programme")
        m = lambda k: self.id("member:" + k)  # noqa: E731
        programme = [
            ("tete", "tete_a_tete", {"ru": "Переговоры один на один", "ky": "Бетме-бет сүйлөшүү", "en": "Tête-à-tête talks"},
             "2025-09-28T10:00:00+03:00", "2025-09-28T10:45:00+03:00", "palace", HEADS + ["by_interpreter", "kg_interpreter"]),
            ("narrow", "narrow_format", {"ru": "Переговоры в узком составе", "ky": "Тар чөйрөдөгү сүйлөшүүлөр", "en": "Talks in narrow format"},
             "2025-09-28T11:00:00+03:00", "2025-09-28T12:00:00+03:00", "palace", NARROW),
            ("expanded", "expanded_format", {"ru": "Переговоры в расширенном составе", "ky": "Кеңейтилген курамдагы сүйлөшүүлөр",
                                             "en": "Talks in expanded format"},
             "2025-09-28T12:15:00+03:00", "2025-09-28T13:30:00+03:00", "palace", EXPANDED),
            ("lunch", "working_lunch", {"ru": "Рабочий обед", "ky": "Жумушчу түшкү тамак", "en": "Working lunch"},
             "2025-09-28T14:00:00+03:00", "2025-09-28T15:15:00+03:00", "hotel_europe", LUNCH),
            ("ceremony", "signing_ceremony", {"ru": "Церемония подписания документов", "ky": "Документтерге кол коюу аземи",
                                              "en": "Signing ceremony"},
             "2025-09-29T10:00:00+03:00", "2025-09-29T10:30:00+03:00", "palace", EXPANDED),
            ("press", "press_statement", {"ru": "Заявления для прессы", "ky": "Басма сөз үчүн билдирүүлөр", "en": "Press statements"},
             "2025-09-29T10:45:00+03:00", "2025-09-29T11:15:00+03:00", "palace", HEADS + ["by_interpreter", "kg_interpreter"]),
        ]
        for key, kind, title, start, end, venue, who in programme:
            r = self.call("POST", "scheduling", f"/v1/visits/{self.id('visit')}/meetings",
                          {"title": title, "kind": kind, "start": start, "end": end, "venue_id": self.id("venue:" + venue),
                           "participants": [m(k) for k in who], "interpretation": ["ru", "ky", "en"]})
            self.remember("meeting:" + key, r.json["id"])
            self.expect(who, "meeting.scheduled", "meeting:" + key)
        # A clashing booking: the ministers' meeting at the Palace during the expanded talks.
        r = self.call("POST", "scheduling", f"/v1/visits/{self.id('visit')}/meetings",
                      {"title": {"ru": "Встреча министров экономики", "en": "Meeting of the ministers of economy"},
                       "kind": "narrow_format", "start": "2025-09-28T12:30:00+03:00", "end": "2025-09-28T13:00:00+03:00",
                       "venue_id": self.id("venue:palace"), "participants": [m("by_min_economy"), m("kg_min_economy")]},
                      expect=(409,))
        conflicts = (r.json or {}).get("conflicts") or []
        kinds = sorted({c.get("kind") for c in conflicts})
        if not conflicts or not any(c.get("meeting_id") == self.id("meeting:expanded") for c in conflicts):
            fail(f"{self.label}: the clashing booking was refused without naming the expanded talks: {r}")
        if r.headers.get("Content-Type", "").split(";")[0] != "application/problem+json":
            fail(f"{self.label}: the refused booking is not problem+json: {r.headers.get('Content-Type')}")
        self.conflicts = sorted((c.get("kind"), self.names.get(c.get("meeting_id"), c.get("meeting_id"))) for c in conflicts)
        say(f"{self.label}: the clash was refused with {len(conflicts)} conflicts: {kinds}")

        say(f"{self.label}: documents")
        parties = [self.id("delegation:by"), self.id("delegation:kg")]
        heads = [{"delegation_id": self.id("delegation:by"), "member_id": m("by_head")},
                 {"delegation_id": self.id("delegation:kg"), "member_id": m("kg_head")}]
        documents = [
            ("roadmap", "roadmap", {"ru": "Дорожная карта экономического сотрудничества до 2030 года",
                                    "ky": "2030-жылга чейинки экономикалык кызматташтыктын жол картасы",
                                    "en": "Roadmap for economic cooperation until 2030"}),
            ("memo_agriculture", "memorandum", {"ru": "Меморандум о сотрудничестве в области сельского хозяйства",
                                                "ky": "Айыл чарба жаатындагы кызматташтык жөнүндө меморандум",
                                                "en": "Memorandum on cooperation in agriculture"}),
            ("memo_industry", "memorandum", {"ru": "Меморандум о промышленной кооперации",
                                             "ky": "Өнөр жай кооперациясы жөнүндө меморандум",
                                             "en": "Memorandum on industrial cooperation"}),
        ]
        for key, kind, title in documents:
            r = self.call("POST", "documents", "/v1/documents",
                          {"title": title, "kind": kind, "visit_id": self.id("visit"), "parties": parties,
                           "signatories": heads, "languages": ["ru", "ky"]})
            doc = self.remember("document:" + key, r.json["id"])
            for lang, text in (("ru", f"{title['ru']}\n\nСтатья 1. Стороны сотрудничают.\n"),
                               ("ky", f"{title['ky']}\n\n1-берене. Тараптар кызматташат.\n")):
                self.call("POST", "documents", f"/v1/documents/{doc}/versions", {"language": lang, "content": text})
            self.call("POST", "documents", f"/v1/documents/{doc}/submit", {})
            # A revision after the first reading, in both languages.
            for lang, text in (("ru", f"{title['ru']}\n\nСтатья 1. Стороны развивают сотрудничество.\nСтатья 2. Вступление в силу.\n"),
                               ("ky", f"{title['ky']}\n\n1-берене. Тараптар кызматташтыкты өнүктүрөт.\n2-берене. Күчүнө кириши.\n")):
                self.call("POST", "documents", f"/v1/documents/{doc}/versions", {"language": lang, "content": text})
            for party in parties:
                self.call("POST", "documents", f"/v1/documents/{doc}/approvals",
                          {"delegation_id": party, "decision": "approve", "comment": "Согласовано"})
            self.call("POST", "documents", f"/v1/documents/{doc}/agree", {})
            self.expect(HEADS, "document.agreed", "document:" + key)
            self.call("POST", "documents", f"/v1/documents/{doc}/signing", {"meeting_id": self.id("meeting:ceremony")},
                      )  # documents learns of the meeting from scheduling's topic (a lag is retried)
            self.expect(HEADS, "document.signing_scheduled", "document:" + key)
            rule = {"rule": "on_signature"} if key != "memo_industry" else {"rule": "after_notifications", "days": 30}
            self.call("POST", "documents", f"/v1/documents/{doc}/entry-into-force", rule)

        say(f"{self.label}: the ceremony moves by 30 minutes; a signatory changes; a minister withdraws")
        # Press statements move first, to make room (the Palace keeps 15 minutes between bookings).
        path = f"/v1/meetings/{self.id('meeting:press')}"
        self.call("PATCH", "scheduling", path, {"start": "2025-09-29T11:15:00+03:00", "end": "2025-09-29T11:45:00+03:00"},
                  if_match=self.etag("scheduling", path))
        self.expect(HEADS + ["by_interpreter", "kg_interpreter"], "meeting.rescheduled", "meeting:press")
        path = f"/v1/meetings/{self.id('meeting:ceremony')}"
        self.call("PATCH", "scheduling", path, {"start": "2025-09-29T10:30:00+03:00", "end": "2025-09-29T11:00:00+03:00"},
                  if_match=self.etag("scheduling", path))
        self.expect(EXPANDED, "meeting.rescheduled", "meeting:ceremony")
        for key, *_ in documents:
            self.expect(HEADS, "document.signing_rescheduled", "document:" + key)
        # Documents learns of the move from scheduling's topic and reschedules the signings; wait
        # for that before changing a signatory, or who is told of the move would be a race.
        self.wait_for(lambda: all(
            (self.call("GET", "documents", f"/v1/documents/{self.id('document:' + key)}", step=False).json.get("signing") or {})
            .get("start") == "2025-09-29T07:30:00Z" for key, *_ in documents), "documents to follow the ceremony's move")
        # The Belarusian signatory of the industrial memorandum: the deputy head of government.
        self.call("POST", "documents", f"/v1/documents/{self.id('document:memo_industry')}/signatories",
                  {"delegation_id": self.id("delegation:by"), "member_ids": [m("by_deputy")]})
        # The Kyrgyz minister of agriculture withdraws: the officer takes him off the expanded talks
        # and the ceremony (he is told), then records the withdrawal. Notifications tells no
        # withdrawn member anything, and reads the roster and the programme from two topics, so the
        # withdrawal waits until he has been told: otherwise what he is told would be a race.
        for meeting in ("expanded", "ceremony"):
            path = f"/v1/meetings/{self.id('meeting:' + meeting)}"
            current = self.call("GET", "scheduling", path, step=False).json
            self.call("PATCH", "scheduling", path, {"participants": [p for p in current["participants"] if p != m(WITHDRAWS)]},
                      if_match=self.etag("scheduling", path))
            self.expect([WITHDRAWS], "meeting.participant_removed", "meeting:" + meeting)
        self.wait_for(lambda: sum(1 for n in self.inbox(WITHDRAWS) if n["kind"] == "meeting.participant_removed") >= 2,
                      "the withdrawing minister to be told he left two meetings")
        self.call("POST", "delegations", f"/v1/members/{m(WITHDRAWS)}/withdraw", {"reason": "Служебная необходимость"})

        say(f"{self.label}: signatures (wet ink by the officer, Ed25519 by the Kyrgyz head himself)")
        for key, *_ in documents:
            doc = self.id("document:" + key)
            by_signatory = "by_deputy" if key == "memo_industry" else "by_head"
            self.call("POST", "documents", f"/v1/documents/{doc}/signatures",
                      {"member_id": m(by_signatory), "method": "wet_ink", "place": "Minsk"})
            now = time.time()  # to the millisecond: the text was agreed moments ago
            signed_at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"
            who = self.member_token("kg_head")
            payload = self.call("GET", "documents", f"/v1/documents/{doc}/signing-payload?member_id={m('kg_head')}"
                                f"&signed_at={signed_at}", who=who, step=False)
            signature = base64.b64encode(self.keys["kg_head"].sign(payload.body.encode("utf-8"))).decode()
            self.call("POST", "documents", f"/v1/documents/{doc}/signatures",
                      {"member_id": m("kg_head"), "method": "ed25519", "signature": signature, "signed_at": signed_at,
                       "place": "Minsk"}, who=who)
            self.expect([by_signatory, "kg_head"], "document.signed", "document:" + key)
        # The industrial memorandum enters into force 30 days after both parties' notifications.
        doc = self.id("document:memo_industry")
        today = time.strftime("%Y-%m-%d", time.gmtime())
        for party in parties:
            self.call("POST", "documents", f"/v1/documents/{doc}/notifications", {"delegation_id": party, "notified_on": today})

    # --- observation ---
    def wait_inboxes(self, timeout=120):
        """Polls every member's inbox until it holds what was meant for them; returns the inboxes."""
        deadline = time.time() + timeout
        while True:
            inboxes = {k: self.inbox(k) for k, *_ in MEMBERS}
            got = {k: collections.Counter((n["kind"], self.name_of_subject(n["subject"])) for n in items)
                   for k, items in inboxes.items()}
            if all(got[k] == self.expected[k] for k in got) or time.time() > deadline:
                break
            time.sleep(0.5)
        # Settle: nothing more arrives.
        time.sleep(2)
        inboxes = {k: self.inbox(k) for k, *_ in MEMBERS}
        return inboxes

    def inbox(self, key, replica=None):
        """A member's inbox as one replica of notifications lists it (`replica`, else one drawn
        at random; a replica that does not answer, killed a moment ago, passes to the next)."""
        urls = self.sys.urls("notifications")
        turn = replica if replica is not None else random.randrange(len(urls))
        deadline = time.time() + 60
        while True:
            items, cursor = [], None
            try:
                while True:
                    q = "?limit=100" + (f"&cursor={cursor}" if cursor else "")
                    r = request("GET", urls[turn % len(urls)] + "/v1/inbox" + q, self.member_token(key))
                    if r.status != 200:
                        break
                    items += r.json["items"]
                    cursor = r.json.get("next_cursor")
                    if not cursor:
                        return items
            except OSError as e:
                r = e
            if time.time() > deadline or (not isinstance(r, OSError) and r.status not in (502, 503, 504)):
                raise Abort(f"{self.label}: GET /v1/inbox for {key} on {urls[turn % len(urls)]} → {r}")
            time.sleep(0.2)
            if replica is None:
                turn += 1

    def check_inboxes(self, inboxes):
        for key, *_ in MEMBERS:
            items = inboxes[key]
            got = collections.Counter((n["kind"], self.name_of_subject(n["subject"])) for n in items)
            want = self.expected[key]
            if got != want:
                fail(f"{self.label}: {key}'s inbox: missing {dict(want - got)}, unexpected {dict(got - want)}")
            lang, zone = expected_language(key), zone_of(key)
            for n in items:
                if n.get("member_id") != self.id("member:" + key):
                    fail(f"{self.label}: {key}'s inbox holds a notification for {n.get('member_id')}")
                if n.get("language") != lang:
                    fail(f"{self.label}: {key} reads {lang} but got a notification in {n.get('language')}: {n.get('title')}")
                if lang == "ru" and not re.search("[А-Яа-я]", n.get("title", "") + n.get("body", "")):
                    fail(f"{self.label}: {key}'s notification is not in Russian: {n.get('title')}")
                if lang in OWN_LETTERS and not re.search(OWN_LETTERS[lang], n.get("title", "") + n.get("body", "")):
                    fail(f"{self.label}: {key}'s notification is not in {lang}: {n.get('body')}")
                if n["kind"].startswith("meeting.") and f"({zone}," not in n.get("body", ""):
                    fail(f"{self.label}: {key} lives in {zone} but the notification says: {n.get('body')}")
                if n["kind"].startswith("meeting.") and n["subject"] == "meeting/" + self.id("meeting:tete"):
                    local = "10:00" if zone == "Europe/Minsk" else "13:00"
                    if local not in n["body"]:
                        fail(f"{self.label}: {key}: the tête-à-tête (10:00 in Minsk) is not at {local} in {zone}: {n['body']}")

    def check_mail(self, inboxes, mail, timeout=120):
        """Every notification in an inbox arrived as one e-mail at the member's address, under the
        Message-ID <notification id>@<domain>, with the notification's title as its subject."""
        want = {}
        for key, items in inboxes.items():
            address = f"{key.replace('_', '.')}@gov.example.org"
            for n in items:
                want[f"{n['id']}@{mail.DOMAIN}"] = (key, address, n["title"])
        deadline = time.time() + timeout
        while True:
            got = collections.defaultdict(set)
            for message_id, to, subject in mail.messages():
                got[message_id.strip("<>")].add((to, subject))
            missing = [m for m in want if m not in got]
            if not missing or time.time() > deadline:
                break
            time.sleep(1)
        for m in missing[:10]:
            fail(f"{self.label}: no e-mail for {want[m][0]}'s notification {want[m][2]!r} ({m})")
        for m, (key, address, title) in want.items():
            for to, subject in got.get(m, ()):
                if to != address:
                    fail(f"{self.label}: {key}'s e-mail {m} went to {to}")
                if subject != title:
                    fail(f"{self.label}: {key}'s e-mail {m} is titled {subject!r}, the notification {title!r}")
        say(f"{self.label}: {len(want) - len(missing)} of {len(want)} notifications arrived as e-mails, one Message-ID each")

    def name_of_subject(self, subject):
        return self.names.get(subject.split("/", 1)[-1], subject)

    def final_state(self, replica=0):
        """Everything the API returns about this run's aggregates, as one replica of each service
        answers it, ids replaced by logical names and run-dependent times and hashes masked."""
        state = {}
        get = lambda svc, path: self.call("GET", svc, path, step=False, replica=replica).json  # noqa: E731
        state["visit"] = get("scheduling", f"/v1/visits/{self.id('visit')}")
        for name, id_ in sorted(self.ids.items()):
            kind = name.split(":")[0]
            if kind == "venue":
                state[name] = get("scheduling", f"/v1/venues/{id_}")
            elif kind == "meeting":
                state[name] = get("scheduling", f"/v1/meetings/{id_}")
            elif kind == "delegation":
                state[name] = get("delegations", f"/v1/delegations/{id_}")
                state[name + ":members"] = get("delegations", f"/v1/delegations/{id_}/members?limit=100")
            elif kind == "member":
                state[name] = get("delegations", f"/v1/members/{id_}")
            elif kind == "document":
                state[name] = get("documents", f"/v1/documents/{id_}")
                state[name + ":versions"] = get("documents", f"/v1/documents/{id_}/versions?limit=100")
        state["meetings"] = get("scheduling", f"/v1/visits/{self.id('visit')}/meetings?limit=100")
        for key, *_ in MEMBERS:
            items = self.inbox(key, replica)
            state["inbox:" + key] = sorted((normalize(n, self.names) for n in items),
                                           key=lambda n: json.dumps(n, sort_keys=True, ensure_ascii=False))
        return normalize(state, self.names)


VOLATILE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
# Instants of recording (they differ between runs by nature), the audit chain's hashes (over
# those instants and ids), and the Ed25519 signature (over the signing time). Everything else is
# compared: programme times, versions, statuses, texts, badge numbers, dates of entry into force.
MASKED_KEYS = {"created_at", "updated_at", "signed_at", "read_at", "deliver_after", "agreed_at", "time",
               "hash", "previous_hash", "audit_head", "cause_event_id", "signature", "requested_at", "approved_at",
               "submitted_at", "withdrawn_at", "recorded_at", "next_cursor"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PROGRAMME_TIME = re.compile(r"^2025-09-2[89]T")


def normalize(value, names, key=None):
    if isinstance(value, dict):
        return {k: normalize(v, names, k) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [normalize(v, names) for v in value]
    if isinstance(value, str):
        if value in names:
            return "<" + names[value] + ">"
        if "/" in value and value.split("/", 1)[1] in names:
            return value.split("/", 1)[0] + "/<" + names[value.split("/", 1)[1]] + ">"
        if key in MASKED_KEYS:
            return "<masked>"
        if UUID.match(value):  # an id the story did not name (a notification's, an approval's)
            return "<id>"
        # Times of the programme (September 2025) are the same in both runs; other instants
        # (when something was recorded) are not.
        if VOLATILE.match(value) and not PROGRAMME_TIME.match(value):
            return "<now>"
        return value
    if key in MASKED_KEYS:
        return "<masked>"
    return value


def diff(a, b, path=""):
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in {'A' if k in a else 'B'}")
            else:
                out += diff(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            out += diff(x, y, f"{path}/{i}")
    elif a != b:
        out.append(f"{path}: A={json.dumps(a, ensure_ascii=False)[:200]} B={json.dumps(b, ensure_ascii=False)[:200]}")
    return out


# --- the integrator, as the README says ------------------------------------------------------

def readme_integrator_block():
    text = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    m = re.search(r"<!-- integrator-instructions[^>]*-->\s*```[a-z]*\n(.*?)```", text, re.S)
    if not m:
        raise Abort("README.md has no integrator-instructions block")
    return m.group(1)


def build_integrator(workdir):
    """Runs the README block's build lines in a directory that holds the repository's examples
    (so `-S examples/integrator` and `build-integrator/...` resolve as they do at the root)."""
    block = readme_integrator_block()
    lines = [l for l in block.splitlines() if l.strip()]
    build_lines = [l for l in lines if l.startswith("cmake ")]
    run_lines = [l for l in lines if not l.startswith("cmake ")]
    if len(build_lines) != 2 or len(run_lines) != 1:
        raise Abort(f"the README's integrator block changed shape; update this test:\n{block}")
    root = os.path.join(workdir, "integrator-root")
    os.makedirs(root, exist_ok=True)
    os.symlink(os.path.join(REPO, "examples"), os.path.join(root, "examples"))
    say("building the integrator example as the README says")
    for line in build_lines:
        r = subprocess.run(["bash", "-euo", "pipefail", "-c", line], cwd=root, capture_output=True, text=True)
        if r.returncode != 0:
            raise Abort(f"README instruction failed: {line}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return root, run_lines[0]


def run_integrator(root, line, brokers, extra=""):
    """The README's run line, as written, with KAFKA_BROKERS set; returns the parsed JSON lines."""
    cmd = line if not extra else line.replace("concord-integrator ", f"concord-integrator {extra} ", 1)
    env = dict(os.environ, KAFKA_BROKERS=brokers)
    r = subprocess.run(["bash", "-euo", "pipefail", "-c", cmd], cwd=root, capture_output=True, text=True, env=env,
                       timeout=180)
    if r.returncode != 0:
        raise Abort(f"the integrator failed ({cmd}): {r.stderr[-2000:]}")
    out = m.group(1) if (m := re.search(r">\s*(\S+)\s*$", cmd)) else None
    path = os.path.join(root, out) if out else None
    return check_events.load_lines(path) if path else [json.loads(l) for l in r.stdout.splitlines() if l.strip()]


# --- webhooks --------------------------------------------------------------------------------

TLS = {}  # the test's CA and the receiver's certificate, made by make_test_ca


def make_test_ca(workdir):
    """A CA made by the test, and a certificate for 127.0.0.1 that it signs."""
    d = os.path.join(workdir, "tls")
    os.makedirs(d, exist_ok=True)

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Concord seed test CA")
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    TLS.update(ca=os.path.join(d, "ca.pem"), cert=os.path.join(d, "server.pem"), key=os.path.join(d, "server.key"))


class WebhookReceiver:
    """A Standard Webhooks receiver over HTTPS: verifies webhook-id/-timestamp/-signature (v1,
    HMAC-SHA256 over "<id>.<timestamp>.<body>" with the base64 secret after "whsec_") and records
    deliveries."""

    def __init__(self):
        self.secret = None  # the subscription's, as notifications answers it
        self.deliveries = []
        self.bad = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                wid, ts, sig = (self.headers.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
                ok = False
                if wid and ts and sig and receiver.secret:
                    key = base64.b64decode(receiver.secret.split("_", 1)[1])
                    mac = base64.b64encode(hmac.new(key, f"{wid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
                    ok = any(part.split(",", 1) == ["v1", mac] for part in sig.split())
                    ok = ok and abs(time.time() - int(ts)) < 600
                (receiver.deliveries if ok else receiver.bad).append(
                    {"id": wid, "body": body.decode("utf-8", "replace"), "headers": dict(self.headers)})
                self.send_response(204 if ok else 401)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.minimum_version = ssl.TLSVersion.TLSv1_2
        tls.load_cert_chain(TLS["cert"], TLS["key"])
        self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}/hooks/concord"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


WEBHOOK_TYPES = ["concord.scheduling.*", "concord.delegations.*", "concord.documents.*", "concord.notifications.*"]


def register_webhook(run, receiver):
    body = {"url": receiver.url, "event_types": WEBHOOK_TYPES}
    r = request("POST", run.sys.url("notifications") + "/v1/webhooks", token("integrator", "webhook-receiver"), body,
                {"Idempotency-Key": f"{INVOCATION}-{run.label}-webhook"})
    if r.status in (404, 405):
        pending("notifications: webhook subscriptions (POST /v1/webhooks) and signed deliveries — not landed; "
                "the Standard Webhooks receiver in this test is ready for them")
        return False
    if r.status not in (200, 201) or not (r.json or {}).get("secret", "").startswith("whsec_"):
        fail(f"{run.label}: registering a webhook → {r}")
        return False
    receiver.secret = r.json["secret"]
    return True


def check_webhooks(label, receiver, lines, names, timeout=120):
    """Every public event of this run reaches the receiver, signed; redeliveries keep their
    webhook-id, so after deduplication on it each event arrives exactly once."""
    wanted = {}
    for rec in lines:
        ev = rec.get("event") or {}
        sid = ev.get("subject", "").split("/", 1)[-1]
        if rec.get("key") in names or sid in names:
            wanted[ev["id"]] = ev["type"]
    deadline = time.time() + timeout
    while True:
        got = collections.defaultdict(set)  # event id → webhook ids
        for d in list(receiver.deliveries):
            try:
                got[json.loads(d["body"]).get("id")].add(d["id"])
            except ValueError:
                pass
        missing = set(wanted) - set(got)
        if not missing or time.time() > deadline:
            break
        time.sleep(0.5)
    if receiver.bad:
        fail(f"{label}: {len(receiver.bad)} webhook deliveries failed Standard Webhooks signature verification, e.g. "
             f"{json.dumps(receiver.bad[0], ensure_ascii=False)[:600]} (secret {receiver.secret})")
    if missing:
        fail(f"{label}: {len(missing)} of {len(wanted)} events never reached the webhook, e.g. "
             f"{sorted(collections.Counter(wanted[i] for i in missing).items())[:5]}")
    twice = {e: w for e, w in got.items() if e in wanted and len(w) > 1}
    if twice:
        fail(f"{label}: {len(twice)} events were delivered under more than one webhook-id (a receiver deduping on "
             f"webhook-id would process them twice)")
    say(f"{label}: webhook receiver: {len(receiver.deliveries)} signed deliveries, {len(wanted) - len(missing)} of "
        f"{len(wanted)} events of this run")


# --- contracts -------------------------------------------------------------------------------

def validate_asyncapi():
    path = os.path.join(REPO, "docs", "asyncapi.yaml")
    if not os.path.exists(path):
        pending("docs/asyncapi.yaml does not exist yet: event schemas cannot be checked")
        return None
    r = subprocess.run(["node", os.path.join(HERE, "lib", "validate_asyncapi.cjs"), path], capture_output=True,
                       text=True, env=dict(os.environ, NODE_PATH=os.environ["CONCORD_E2E_NODE_PATH"]))
    sys.stderr.write(r.stderr)
    if r.returncode != 0:
        fail("docs/asyncapi.yaml is rejected by @asyncapi/parser")
    return check_events.Contract(path)


def run_schemathesis(system, officer):
    venv_bin = os.path.dirname(sys.executable)
    for name in SERVICES:
        spec = os.path.join(REPO, "docs", "openapi", name + ".yaml")
        if not os.path.exists(spec):
            pending(f"docs/openapi/{name}.yaml does not exist yet: schemathesis cannot run against {name}")
            continue
        url = system.url(name)
        # Every documented operation refused without a token (but the public probes, and the
        # operations documented as public with `security: []`, e.g. a calendar feed's address,
        # which answer without a token and, for an id nobody made, 404).
        import yaml
        doc = yaml.safe_load(open(spec, encoding="utf-8"))
        for path, ops in (doc.get("paths") or {}).items():
            if path in ("/healthz", "/readyz", "/metrics"):
                continue
            concrete = re.sub(r"\{[^}]+\}", "01900000-0000-7000-8000-000000000000", path)
            for method in ops:
                if method.upper() not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                    continue
                r = request(method.upper(), url + concrete, None, {} if method.upper() in ("POST", "PUT", "PATCH") else None)
                if (ops[method] or {}).get("security") == []:
                    if r.status != 404:
                        fail(f"{name}: public {method.upper()} {path} for an unknown id answered {r.status}, not 404")
                elif r.status != 401:
                    fail(f"{name}: {method.upper()} {path} without a token answered {r.status}, not 401")
        say(f"schemathesis against {name} ({url}), seed {SEED}")
        cmd = [os.path.join(venv_bin, "schemathesis"), "run", spec, "--base-url", url, "--hypothesis-seed", str(SEED),
               "--hypothesis-max-examples", os.environ.get("CONCORD_E2E_SCHEMATHESIS_EXAMPLES", "8"),
               "--hypothesis-derandomize", "--checks", "not_a_server_error,response_schema_conformance,ignored_auth",
               "--validate-schema", "true", "-H", f"Authorization: Bearer {officer}", "--workers", "1",
               "--request-timeout", "10000", "--no-color",
               # create → read → change → read along the documents' OpenAPI links
               "--stateful", "links",
               # A Server-Sent Events stream's 200 never ends, and schemathesis reads every body
               # to its end. It is checked as a stream by the notifications tests instead (its
               # 401 without a token is checked above).
               "--exclude-path", "/v1/inbox/stream"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                           env=dict(os.environ, SCHEMATHESIS_TELEMETRY="false", SCHEMATHESIS_HOOKS=""))
        summary = [l for l in r.stdout.splitlines() if re.search(r"passed|failed|errored|Error", l)]
        say(f"schemathesis {name}: exit {r.returncode}: " + " | ".join(summary[-3:]))
        if r.returncode != 0:
            sys.stderr.write(r.stdout[-6000:] + r.stderr[-2000:])
            fail(f"schemathesis found problems in {name} (see above)")


# --- the whole ---------------------------------------------------------------------------------

def events_by_run(lines, names):
    """Counter of (topic, type, aggregate name) for the events of one run's aggregates."""
    out = collections.Counter()
    for rec in lines:
        ev = rec.get("event") or {}
        key = rec.get("key")
        subject = ev.get("subject", "")
        sid = subject.split("/", 1)[-1]
        if key in names or sid in names:
            out[(rec["topic"], ev.get("type"), "<" + names.get(sid, names.get(key, "?")) + ">" )] += 1
    return out


def kill_plan(run_a, rng):
    """Step → service whose writer is SIGKILLed before that step: one per service, at a step that
    calls it (notifications, whose work the story does not call for, at any step), then more at
    any step, up to KILLS."""
    steps = range(3, run_a.step_no - 1)
    plan = {}
    for name in rng.sample(SERVICES, len(SERVICES)):
        calling = [n for n in steps if run_a.step_services.get(n) == name and n not in plan]
        plan[rng.choice(calling or [n for n in steps if n not in plan])] = name
    while len(plan) < KILLS:
        plan[rng.choice([n for n in steps if n not in plan])] = rng.choice(SERVICES)
    return plan


def report_failovers(run):
    """The kills, how soon a standby took over and each service wrote again, and the longest write
    gap (from a write's first attempt to its acknowledgement, through refused connections and 503s)."""
    for k in run.killed:
        after = [w for w in run.writes if w[1] == k["service"] and w[2] >= k["step"]]
        note = (f"its next write (step {after[0][2]}) took {after[0][0]:.2f}s" if after else "no write to it followed")
        heir = (f"{k['heir']} the writer {k['elected_after']:.2f}s later" if k.get("heir")
                else "no other replica the writer within 60s")
        say(f"{run.label}: killed the writer of {k['service']} ({k['tag']}, pid {k['pid']}) before step {k['step']}: "
            f"{heir}; {note}")
    if run.writes:
        gap = max(run.writes)
        say(f"{run.label}: longest write gap {gap[0]:.2f}s ({gap[3]} {gap[1]}{gap[4]}, step {gap[2]}); "
            f"{len(run.writes)} writes, retried answers {dict(run.attempts)} (0: refused connection)")


def settled_state(run, want, replica, timeout=20):
    """The final state as `replica` of each service answers it, read again until it equals `want`
    or `timeout` passes; with the seconds it took."""
    started = time.time()
    for rounds in range(1, 1000):
        state = run.final_state(replica)
        if state == want or time.time() - started > timeout:
            break
        time.sleep(1)
    return state, (time.time() - started if rounds > 1 and state == want else 0)


def main():
    workdir = tempfile.mkdtemp(prefix="concord-seed.")
    stack = None
    mail = None
    root = run_line = None
    systems = []
    receivers = []
    try:
        for b in ["concord", *("concord-" + s for s in SERVICES)]:
            if not os.access(os.path.join(BIN, b), os.X_OK):
                raise Abort(f"{BIN}/{b} is missing: build it first")
        contract = validate_asyncapi()
        make_test_ca(workdir)
        root, run_line = build_integrator(workdir)
        stack = Stack(workdir)
        if os.environ.get("CONCORD_E2E_MAIL", "1") != "0":
            mail = MailServer(workdir)

        # Run A: clean.
        a_sys = System(stack, workdir, "run-a", mail)
        systems.append(a_sys)
        a_sys.start()
        run_a = Run(a_sys, "A")
        rec_a = WebhookReceiver()
        receivers.append(rec_a)
        hooks = register_webhook(run_a, rec_a)
        run_a.play()
        inbox_a = run_a.wait_inboxes()
        run_a.check_inboxes(inbox_a)
        if mail:
            run_a.check_mail(inbox_a, mail)
        state_a = run_a.final_state()
        say(f"A: {sum(len(v) for v in inbox_a.values())} notifications in {len(inbox_a)} inboxes")
        a_sys.stop()

        # Run B: every service as a writer and a hot standby, the clients spread over both; the
        # current writer of a service SIGKILLed before steps drawn from the kill seed, and restarted.
        # CONCORD_E2E_KILL_RUN=0 leaves it out (a quicker loop while working on the checks after it).
        kill_run = os.environ.get("CONCORD_E2E_KILL_RUN", "1") != "0"
        run_b = None
        if kill_run:
            kills = kill_plan(run_a, random.Random(KILL_SEED))
            if os.environ.get("CONCORD_E2E_KILL_ONLY"):  # e.g. documents: one service's kills alone, to diagnose
                kills = {k: v for k, v in kills.items() if v in os.environ["CONCORD_E2E_KILL_ONLY"].split(",")}
            # A failure of run B is reported, and the checks after it (the topics, the contracts)
            # still run.
            try:
                say(f"B: kill seed {KILL_SEED} (CONCORD_E2E_KILL_SEED={KILL_SEED} replays it); {REPLICAS} replicas of "
                    f"each service; {run_a.step_no} steps; the writer killed before (step → service): "
                    f"{dict(sorted(kills.items()))}")
                b_sys = System(stack, workdir, "run-b", mail, replicas=REPLICAS)
                systems.append(b_sys)
                b_sys.start()
                say("B: roles " + ", ".join(f"{s.tag} {s.role()}" for s in b_sys.processes()))
                run_b = Run(b_sys, "B", kills, seed=KILL_SEED + 1)
                rec_b = WebhookReceiver()
                receivers.append(rec_b)
                if hooks:
                    register_webhook(run_b, rec_b)
                run_b.play()
                if run_b.kills:
                    fail(f"B: planned kills never happened: {run_b.kills}")
                # The killed writers are back, as standbys: one writer and one standby per service.
                run_b.join_restarts()
                for s in b_sys.processes():
                    s.wait_ready(timeout=120)
                roles = {name: sorted(str(s.role()) for s in group) for name, group in b_sys.replicas.items()}
                if any(r != ["standby"] * (REPLICAS - 1) + ["writer"] for r in roles.values()):
                    fail(f"B: each service should have one writer and {REPLICAS - 1} standby after the kills: {roles}")
                report_failovers(run_b)
                inbox_b = run_b.wait_inboxes()
                run_b.check_inboxes(inbox_b)
                if mail:
                    run_b.check_mail(inbox_b, mail)
                # Every replica of every service answers with A's final state (a standby follows
                # its topics within a poll: a difference that persists is a lost, duplicated or
                # never-followed write).
                for i in range(REPLICAS):
                    state_b, waited = settled_state(run_b, state_a, i)
                    differences = diff(state_a, state_b)
                    for d in differences[:40]:
                        fail(f"A≠B (replica {i} of each service): " + d)
                    if not differences:
                        say(f"B: replica {i} of each service answers A's final state "
                            f"({len(json.dumps(state_a))} bytes of normalized state: {len(state_a)} resources and inboxes)"
                            + (f", after {waited:.1f}s" if waited else ""))
                if run_a.conflicts != run_b.conflicts:
                    fail(f"the refused booking's conflicts differ: A {run_a.conflicts} B {run_b.conflicts}")
            except Abort as e:
                fail(str(e))
                run_b = None
        else:
            say("run B (SIGKILL and restart) left out: CONCORD_E2E_KILL_RUN=0")
        # The integrator: the whole history of both runs.
        say("the integrator reads the four public topics from the beginning")
        lines = run_integrator(root, run_line, stack.kafka)
        private = run_integrator(root, run_line, stack.kafka, extra=f"--topic {PRIVATE_TOPIC}")
        if not private:
            fail("the private topic carries no contact or travel events: the personal-data check would be empty")
        problems = check_events.check(contract, lines, private)
        # A topic with no channel in docs/asyncapi.yaml yet: its service has not documented its
        # events (pending); a documented channel missing a type is a failure.
        channels = set((contract.doc.get("channels") or {}) if contract else ())
        for topic in PUBLIC_TOPICS:
            if contract and topic not in channels:
                pending(f"docs/asyncapi.yaml has no channel {topic} yet: its events are checked for order and "
                        "personal data, not against schemas")
                problems = [p for p in problems if not (p.startswith(topic + "/") and "is not documented" in p)]
        # One line per kind of problem (ids, offsets and numbers aside), with a count and an example.
        kinds = collections.OrderedDict()
        for p in problems:
            kind = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<id>", re.sub(r"@\d+|\b\d+\b", "N", p))
            kinds.setdefault(kind, []).append(p)
        for kind, examples in kinds.items():
            fail(f"events: {len(examples)}× {examples[0]}")
        ev_a = events_by_run(lines, run_a.names)
        ev_b = events_by_run(lines, run_b.names) if run_b else ev_a
        for topic in PUBLIC_TOPICS:
            if not any(k[0] == topic for k in ev_a):
                fail(f"A: nothing of this run on {topic}")
        if ev_a != ev_b:
            fail(f"the two runs published different events per aggregate: only A {dict(ev_a - ev_b)}, "
                 f"only B {dict(ev_b - ev_a)}")
        if hooks:
            check_webhooks("A", rec_a, lines, run_a.names)
            if run_b:
                check_webhooks("B", rec_b, lines, run_b.names)
        say(f"integrator: {len(lines)} public events ({sum(ev_a.values())} of run A, {sum(ev_b.values())} of run B), "
            f"{len(private)} private")
        wanted_types = {"concord.scheduling.venue.created", "concord.scheduling.visit.planned",
                        "concord.scheduling.meeting.scheduled", "concord.scheduling.meeting.rescheduled",
                        "concord.scheduling.meeting.participants_changed", "concord.delegations.delegation.registered",
                        "concord.delegations.member.added", "concord.delegations.member.withdrawn",
                        "concord.delegations.accreditation.requested", "concord.delegations.accreditation.approved",
                        "concord.documents.document.created", "concord.documents.version.added",
                        "concord.documents.document.submitted", "concord.documents.approval.recorded",
                        "concord.documents.document.agreed", "concord.documents.signing.scheduled",
                        "concord.documents.signing.rescheduled", "concord.documents.signatory.changed",
                        "concord.documents.signature.recorded", "concord.documents.document.signed",
                        "concord.documents.document.in_force", "concord.documents.entry_into_force.set",
                        "concord.notifications.notification.created"}
        seen = {k[1] for k in ev_a}
        for t in sorted(wanted_types - seen):
            fail(f"A: the story should show a {t} event on the public topics")

        # Contracts of the HTTP APIs, against run B's services (restarted for the purpose).
        c_sys = System(stack, workdir, "contracts")
        systems.append(c_sys)
        c_sys.start()
        run_schemathesis(c_sys, token("protocol_officer", "schemathesis"))
    except Abort as e:
        fail(str(e))
        # For the post-mortem: what the topics held when it went wrong (read_committed).
        if stack and root:
            try:
                dump = run_integrator(root, run_line, stack.kafka, extra="--timeout 20")
                with open(os.path.join(workdir, "events-at-failure.jsonl"), "w", encoding="utf-8") as f:
                    for rec in dump:
                        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                say(f"the topics held {len(dump)} committed events: {workdir}/events-at-failure.jsonl")
            except Exception as dump_error:  # noqa: BLE001 - a post-mortem must not hide the failure
                say(f"could not read the topics for the post-mortem: {dump_error}")
    except Exception:  # noqa: BLE001 - a bug of this test: report it like any failure, and clean up
        import traceback
        fail("the scenario itself failed:\n" + traceback.format_exc())
    finally:
        for s in systems:
            s.stop()
        for r in receivers:
            r.close()
        if stack:
            stack.stop()
        if mail:
            mail.stop()
    say(f"done in {time.time() - T0:.0f}s")
    if FAILURES:
        print(f"seed_scenario: FAILED ({len(FAILURES)} problems; logs kept in {workdir})", file=sys.stderr)
        for f in FAILURES[:80]:
            print("  - " + f, file=sys.stderr)
        return 1
    if os.environ.get("CONCORD_E2E_KEEP") == "1":
        say(f"logs kept in {workdir} (CONCORD_E2E_KEEP=1)")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print("seed_scenario: passed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
