#!/usr/bin/env python3
"""The manifests against the code: every variable a service reads is set or written down, every
variable set is one the code reads, and every port and probe path is one the binary serves.

    config_matches_code.py REPO RENDERED.yaml [RENDERED.yaml ...]

RENDERED is the output of `kustomize build` of an overlay. The code is read, not run:
- the variables: string literals such as "CONCORD_…", "KAFKA_…", "REDIS_…" in libs/ (linked into
  every service) and services/<name>/ (that service only). Each service's spec() (in
  services/<name>/) names its listen-address variable; a service reads only its own.
- the ports: the default addresses in each service's spec().
- the topics: literals in services/<name>/contract/, which every other service names through
  <name>::contract::k… constants.
- the paths: the ones libs/http/src/pipeline.cpp answers itself (/healthz, /readyz, /metrics).
It also checks the KafkaUsers' ACLs against the topics and groups the sources name, that the
image's fixed user is the one the pods run as, and that no Secret with
values is part of the manifests.
A variable a service reads and the deployment leaves unset must be written down in one of the
service's ConfigMaps, in its source under k8s/, as a comment "# unset: NAME — why".
"""
import pathlib
import re
import sys

import yaml

VAR = re.compile(r'"((?:CONCORD|KAFKA|REDIS)_[A-Z0-9_]+)"')
UNSET = re.compile(r"#\s*unset:\s*([A-Z][A-Z0-9_]+)")
# A service's spec(): {name, "host:port", "ADDRESS_VARIABLE", {the topics it writes}, factory,
# then optionally the addresses of what its requests create}.
SERVICE_SPEC = re.compile(
    r'ServiceSpec spec\(\) \{\s*return \{[^,]+,\s*"([0-9.]+):([0-9]+)",\s*"([A-Z_]+)",\s*\{(.*?)\},\s*\w+\s*(?:,.*?)?\};',
    re.S)
CONTRACT_CONSTANT = re.compile(r'inline constexpr std::string_view (k\w+) = "([^"]+)";')
CONTRACT_REFERENCE = re.compile(r'\b(?:(\w+)::)?contract::(k\w+)')
SERVED_PATH = re.compile(r'request\.path == "(/[a-z]+)"')

# Set by the manifests, read by something other than the services' code. Each with its reason.
NOT_READ_BY_CODE = {
    # Kubernetes itself reads it: REDIS_URL is composed from it ($(REDIS_PASSWORD)).
    "REDIS_PASSWORD": "composes REDIS_URL",
}
# Variables the manifests pass ahead of the code that will read them. When the code reads one,
# this test fails until it is taken off this list. (The Kafka client settings once were here;
# libs/service/src/platform.cpp reads them all.)
PENDING_IN_CODE = set()

failures = []


def fail(message):
    failures.append(message)


def contracts(repo):
    """Each service's contract constants: {service: {constant: value}}."""
    return {path.parent.parent.name: dict(CONTRACT_CONSTANT.findall(path.read_text()))
            for path in (repo / "services").glob("*/contract/*.hpp")}


def topics_in(text, name, contract_of):
    """The topics a service's sources name: literals, and the contracts' constants they refer to
    (contract::kTopic is the service's own, delegations::contract::kTopic another's)."""
    found = set(TOPIC.findall(text))
    for service, constant in CONTRACT_REFERENCE.findall(text):
        value = contract_of.get(service or name, {}).get(constant, "")
        if TOPIC.fullmatch(f'"{value}"'):
            found.add(value)
    return found


def specs_of(repo, contract_of):
    """Each service's spec(): its port, its address variable and the topics it writes."""
    specs = {}
    for directory in sorted(p for p in (repo / "services").iterdir() if p.is_dir()):
        for path in sources(directory):
            for port_, variable, topics in [m[1:] for m in SERVICE_SPEC.findall(path.read_text())]:
                specs[directory.name] = {"port": int(port_), "address_variable": variable,
                                         "topics": topics_in(topics, directory.name, contract_of)}
    return specs


def sources(root):
    for path in sorted(root.rglob("*")):
        if path.suffix in (".cpp", ".hpp", ".h", ".cc") and path.is_file():
            yield path


def variables_in(paths, repo):
    found = {}
    for path in paths:
        for name in VAR.findall(path.read_text(errors="replace")):
            found.setdefault(name, str(path.relative_to(repo)))
    return found


def documents(path):
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def unset_notes(repo):
    """ConfigMap name → variables written down as '# unset: NAME' in its source under k8s/."""
    notes = {}
    for path in sorted((repo / "k8s").rglob("*.yaml")):
        for chunk in re.split(r"(?m)^---\s*$", path.read_text()):
            try:
                doc = yaml.safe_load(chunk)
            except yaml.YAMLError:
                continue
            if not isinstance(doc, dict) or doc.get("kind") != "ConfigMap":
                continue
            name = doc.get("metadata", {}).get("name")
            notes.setdefault(name, set()).update(UNSET.findall(chunk))
    return notes


TOPIC = re.compile(r'"(concord\.[a-z.]+\.v[0-9]+)"')
GROUP = re.compile(r'k\w*Group\w*\s*=\s*"([^"]+)"')
# Personal data (delegations) and credentials' hashes (scheduling's calendar feeds).
PRIVATE_TOPICS = {"concord.delegations.private.v1", "concord.scheduling.private.v1"}


def acl_allows(user, resource_type, name, operation):
    allowed = denied = False
    for acl in user["spec"]["authorization"]["acls"]:
        r = acl["resource"]
        if r["type"] != resource_type:
            continue
        pattern = r.get("patternType", "literal")
        if not (name == r.get("name") or r.get("name") == "*" or
                (pattern == "prefix" and name.startswith(r.get("name", "")))):
            continue
        ops = set(acl.get("operations", [])) | ({acl["operation"]} if "operation" in acl else set())
        if operation in ops or "All" in ops:
            if acl.get("type", "allow") == "deny":
                denied = True
            else:
                allowed = True
    return allowed and not denied


def check_kafka_users(repo, where, users, specs, contract_of):
    """Each service's KafkaUser against the code: it writes exactly the topics its spec()
    names, as concord-<name>-writer, reads every topic its sources name, joins the groups they
    name; integrators read the public topics, never a private one."""
    owned = {name: spec["topics"] for name, spec in specs.items()}
    every_topic = set().union(*owned.values())
    for name, own in owned.items():
        user = users.get(f"concord-{name}")
        ctx = f"{where}: KafkaUser concord-{name}"
        if user is None:
            fail(f"{where}: no KafkaUser concord-{name}")
            continue
        text = "".join(p.read_text(errors="replace") for p in sources(repo / "services" / name))
        reads = topics_in(text, name, contract_of) | own
        for topic in sorted(every_topic):
            if acl_allows(user, "topic", topic, "Write") != (topic in own):
                fail(f"{ctx}: Write on {topic} is {'missing' if topic in own else 'granted'}; "
                     f"the service owns {sorted(own)}")
            if topic in reads and not acl_allows(user, "topic", topic, "Read"):
                fail(f"{ctx}: no Read on {topic}, which services/{name}/ consumes")
            if topic in PRIVATE_TOPICS and topic not in reads and acl_allows(user, "topic", topic, "Read"):
                fail(f"{ctx}: reads {topic} (a private topic) though services/{name}/ does not use it")
        for topic in sorted(own):
            if not acl_allows(user, "topic", topic, "Create"):
                fail(f"{ctx}: no Create on {topic}: its start-up topic check (ensure_topics) would be refused")
        # The writer election (libs/service: Platform::writer_election, Platform::leader_topic).
        leader = f"concord.{name}.leader.v1"
        for op in ("Write", "Read", "Create"):
            if not acl_allows(user, "topic", leader, op):
                fail(f"{ctx}: no {op} on {leader}, its writer election's announcements")
        if not acl_allows(user, "group", f"concord-{name}-writer-election", "Read"):
            fail(f"{ctx}: no Read on the consumer group concord-{name}-writer-election (its writer election)")
        if not acl_allows(user, "transactionalId", f"concord-{name}-writer", "Write"):
            fail(f"{ctx}: no Write on the transactional id concord-{name}-writer")
        for group in sorted(set(GROUP.findall(text))):
            if not acl_allows(user, "group", group, "Read"):
                fail(f"{ctx}: no Read on the consumer group {group} (named in services/{name}/)")
            # Each replica consumes and commits through a producer of its own (Platform::event_log).
            if not acl_allows(user, "transactionalId", f"concord-{name}-processor-pod-1.{group}", "Write"):
                fail(f"{ctx}: no Write on the processors' transactional ids concord-{name}-processor-<instance>.<group>")
    integrators = [u for n, u in users.items() if not any(n == f"concord-{s}" for s in owned)]
    if not integrators:
        fail(f"{where}: no KafkaUser for integrators")
    public = sorted(t for t in every_topic if t not in PRIVATE_TOPICS and "dlq" not in t)
    for user in integrators:
        ctx = f"{where}: KafkaUser {user['metadata']['name']}"
        for topic in sorted(every_topic):
            if acl_allows(user, "topic", topic, "Write"):
                fail(f"{ctx}: an integrator may write {topic}")
        for topic in public:
            if not acl_allows(user, "topic", topic, "Read"):
                fail(f"{ctx}: cannot read the public topic {topic}")
        for private in sorted(PRIVATE_TOPICS):
            if acl_allows(user, "topic", private, "Read"):
                fail(f"{ctx}: may read {private}, a private topic")


def check_console(repo, where, by_kind, configmaps, notes, common, dockerfile):
    """concord-console (DESIGN §7): port 8080 from CONCORD_CONSOLE_ADDR, its variables set or
    written down, its probes, Service and Ingress route, and an autoscaler (it holds no state)."""
    ctx = f"{where}: Deployment concord-console"
    deployment = by_kind.get("Deployment", {}).get("concord-console")
    if deployment is None:
        fail(f"{where}: no Deployment concord-console")
        return
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    values, documented = {}, set()
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef", {}).get("name")
        if ref in configmaps:
            values.update(configmaps[ref].get("data", {}))
            documented |= notes.get(ref, set())
    for env in container.get("env", []):
        values[env["name"]] = env.get("value", "<from a secret>")
    reads = dict(common)
    reads.update(variables_in(sources(repo / "services" / "console"), repo))
    for name in ("CONCORD_SCHEDULING_ADDR", "CONCORD_DELEGATIONS_ADDR", "CONCORD_DOCUMENTS_ADDR",
                 "CONCORD_NOTIFICATIONS_ADDR"):
        reads.pop(name, None)  # the services' addresses; the console has its own
    for variable, source in sorted(reads.items()):
        if variable not in values and variable not in documented:
            fail(f"{ctx}: {variable} (read in {source}) is neither set nor written down as '# unset: {variable}'")
    for variable in sorted(set(values) - set(reads) - set(NOT_READ_BY_CODE)):
        fail(f"{ctx}: {variable} is set but no source in libs/ or services/console/ reads it")
    if values.get("CONCORD_CONSOLE_ADDR") != "0.0.0.0:8080":
        fail(f"{ctx}: CONCORD_CONSOLE_ADDR is {values.get('CONCORD_CONSOLE_ADDR')}, expected 0.0.0.0:8080")
    if "CONCORD_CONSOLE_ADDR=0.0.0.0:8080" not in dockerfile or "concord-console" not in dockerfile:
        fail("deploy/docker/Dockerfile does not build concord-console or set CONCORD_CONSOLE_ADDR=0.0.0.0:8080")
    if container.get("command") != ["concord-console"]:
        fail(f"{ctx}: command {container.get('command')}, expected [concord-console]")
    ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    if ports.get("http") != 8080:
        fail(f"{ctx}: containerPort 'http' is {ports.get('http')}, the binary serves 8080")
    for probe, path in {"startupProbe": "/readyz", "readinessProbe": "/readyz", "livenessProbe": "/healthz"}.items():
        if container.get(probe, {}).get("httpGet", {}).get("path") != path:
            fail(f"{ctx}: {probe} is not httpGet {path}")
    service = by_kind.get("Service", {}).get("concord-console")
    if not service or {p.get("name"): p.get("port") for p in service["spec"]["ports"]}.get("http") != 8080:
        fail(f"{where}: Service concord-console does not serve 8080 as 'http'")
    hpa = [h for h in by_kind.get("HorizontalPodAutoscaler", {}).values()
           if h["spec"]["scaleTargetRef"]["name"] == "concord-console"]
    if not hpa:
        fail(f"{where}: no HorizontalPodAutoscaler for concord-console (it holds no state)")
    routed = [p for i in by_kind.get("Ingress", {}).values() for r in i["spec"]["rules"] for p in r["http"]["paths"]
              if p["backend"]["service"]["name"] == "concord-console"]
    if not any(p["path"] == "/" and p["backend"]["service"]["port"].get("name") == "http" for p in routed):
        fail(f"{where}: no Ingress route / to concord-console's http port")


def main():
    repo = pathlib.Path(sys.argv[1]).resolve()
    rendered = [pathlib.Path(p) for p in sys.argv[2:]]

    contract_of = contracts(repo)
    specs = specs_of(repo, contract_of)
    if len(specs) != 4:
        fail(f"services/: expected the four services' spec(), found {sorted(specs)}")
    address_variables = {s["address_variable"] for s in specs.values()}
    served = set(SERVED_PATH.findall((repo / "libs/http/src/pipeline.cpp").read_text()))
    for path in ("/healthz", "/readyz", "/metrics"):
        if path not in served:
            fail(f"libs/http/src/pipeline.cpp no longer answers {path}")

    common = variables_in(sources(repo / "libs"), repo)
    notes = unset_notes(repo)
    dockerfile = (repo / "deploy/docker/Dockerfile").read_text()

    for overlay in rendered:
        docs = documents(overlay)
        where = overlay.stem
        by_kind = {}
        for d in docs:
            by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
        configmaps = by_kind.get("ConfigMap", {})
        # Secrets are referenced, never committed with values: the operator creates them.
        for secret in by_kind.get("Secret", {}):
            fail(f"{where}: the manifests carry Secret {secret}; create it on the cluster instead")
        services = by_kind.get("Service", {})

        for name, spec in specs.items():
            port = spec["port"]
            deployment = by_kind.get("Deployment", {}).get(f"concord-{name}")
            if deployment is None:
                fail(f"{where}: no Deployment concord-{name}")
                continue
            pod = deployment["spec"]["template"]["spec"]
            container = pod["containers"][0]
            ctx = f"{where}: Deployment concord-{name}"

            # What the service reads, and what the deployment gives it.
            reads = dict(common)
            reads.update(variables_in(sources(repo / "services" / name), repo))
            for other in address_variables - {spec["address_variable"]}:
                reads.pop(other, None)  # a service reads only its own address variable
            values = {}
            documented = set()
            for source in container.get("envFrom", []):
                ref = source.get("configMapRef", {}).get("name")
                if ref is None:
                    continue
                if ref not in configmaps:
                    fail(f"{ctx}: envFrom names ConfigMap {ref}, which the overlay does not have")
                    continue
                values.update(configmaps[ref].get("data", {}))
                documented |= notes.get(ref, set())
            for env in container.get("env", []):
                values[env["name"]] = env.get("value", "<from a secret>")
            for variable, source in sorted(reads.items()):
                if variable not in values and variable not in documented:
                    fail(f"{ctx}: {variable} (read in {source}) is neither set nor written down as "
                         f"'# unset: {variable}' in its ConfigMaps")
            for variable in sorted(set(values) - set(reads)):
                if variable in NOT_READ_BY_CODE or variable in PENDING_IN_CODE:
                    continue
                fail(f"{ctx}: {variable} is set but no source in libs/ or services/{name}/ reads it")
            for variable in sorted(PENDING_IN_CODE & set(reads)):
                fail(f"{variable} is read by the code now: take it off PENDING_IN_CODE in {sys.argv[0]}")

            # The listen address and the ports.
            address = values.get(spec["address_variable"], "")
            if address != f"0.0.0.0:{port}":
                fail(f"{ctx}: {spec['address_variable']} is '{address}', expected 0.0.0.0:{port} "
                     f"(the service's port; loopback would be unreachable)")
            if f"{spec['address_variable']}=0.0.0.0:{port}" not in dockerfile:
                fail(f"deploy/docker/Dockerfile: ENV {spec['address_variable']} is not 0.0.0.0:{port}")
            ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
            if ports.get("http") != port:
                fail(f"{ctx}: containerPort 'http' is {ports.get('http')}, the binary serves {port}")
            # The image's fixed non-root user is the one the pod runs as.
            user = re.search(r"(?m)^USER (\d+):(\d+)$", dockerfile)
            run_as = (pod.get("securityContext", {}).get("runAsUser"), pod.get("securityContext", {}).get("runAsGroup"))
            if not user or (int(user[1]), int(user[2])) != run_as:
                fail(f"{ctx}: runs as {run_as}, the image's USER is {user[0] if user else 'unset'}")
            command = container.get("command", [])
            if command != [f"concord-{name}"]:
                fail(f"{ctx}: command {command}, expected [concord-{name}]")
            if f"concord-{name}" not in dockerfile:
                fail(f"deploy/docker/Dockerfile does not build concord-{name}")

            # The probes: the paths the binary answers, on its port.
            expected = {"startupProbe": "/readyz", "readinessProbe": "/readyz", "livenessProbe": "/healthz"}
            for probe, path in expected.items():
                get = container.get(probe, {}).get("httpGet")
                if not get:
                    fail(f"{ctx}: no {probe} with httpGet")
                    continue
                if get.get("path") != path or get.get("path") not in served:
                    fail(f"{ctx}: {probe} path {get.get('path')}, expected {path} (served: {sorted(served)})")
                if get.get("port") not in ("http", port):
                    fail(f"{ctx}: {probe} port {get.get('port')}, expected http ({port})")

            service = services.get(f"concord-{name}")
            if service is None:
                fail(f"{where}: no Service concord-{name}")
            else:
                sp = {p.get("name"): p for p in service["spec"]["ports"]}.get("http")
                if not sp or sp.get("port") != port or sp.get("targetPort") not in ("http", port):
                    fail(f"{where}: Service concord-{name} port 'http' is {sp}, expected {port} → http")

        # Prometheus scrapes a path the binaries serve, on the port they serve it.
        for monitor in by_kind.get("ServiceMonitor", {}).values():
            for endpoint in monitor["spec"]["endpoints"]:
                if endpoint.get("path") not in served or endpoint.get("port") != "http":
                    fail(f"{where}: ServiceMonitor {monitor['metadata']['name']} scrapes "
                         f"{endpoint.get('port')}{endpoint.get('path')}, expected http/metrics")
        check_console(repo, where, by_kind, configmaps, notes, common, dockerfile)

        # The Ingress sends each /api/<service>/ to that service's http port.
        for ingress in by_kind.get("Ingress", {}).values():
            for rule in ingress["spec"]["rules"]:
                for p in rule["http"]["paths"]:
                    backend = p["backend"]["service"]
                    if backend["name"] == "concord-console":
                        # Everything else is the console's (checked in check_console).
                        continue
                    target = backend["name"].removeprefix("concord-")
                    if not p["path"].startswith(f"/api/{target}/") or target not in specs:
                        fail(f"{where}: Ingress path {p['path']} goes to {backend['name']}")
                    if backend["port"].get("name") != "http" and backend["port"].get("number") != specs.get(target, {}).get("port"):
                        fail(f"{where}: Ingress path {p['path']} uses port {backend['port']}")

        check_kafka_users(repo, where, by_kind.get("KafkaUser", {}), specs, contract_of)

    if failures:
        for f in failures:
            print(f"config-vs-code: FAIL: {f}", file=sys.stderr)
        return 1
    print(f"config-vs-code: ok: {len(specs)} services × {len(rendered)} overlays: variables, ports, probe paths, Kafka ACLs",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
