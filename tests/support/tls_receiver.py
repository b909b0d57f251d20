#!/usr/bin/env python3
"""A small HTTPS receiver for tests: answers every request with what it saw.

    tls_receiver.py CERT KEY PORT_FILE [--redirect]

Binds 127.0.0.1 on a free port, writes the port to PORT_FILE, then serves until killed. Each
answer is JSON: the method, path, headers, the body received and the SNI name the client sent;
the same line is appended to PORT_FILE.requests. With --redirect it answers 302 instead.
"""
import http.server
import json
import ssl
import sys

cert, key, port_file = sys.argv[1:4]
redirect = "--redirect" in sys.argv
seen_sni = {"name": None}


class Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        if redirect:
            self.send_response(302)
            self.send_header("Location", "https://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        seen = {"method": self.command, "path": self.path, "body": body, "sni": seen_sni["name"],
                "headers": {k.lower(): v for k, v in self.headers.items()}}
        with open(port_file + ".requests", "a") as log:
            log.write(json.dumps(seen) + "\n")
        out = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, *args):
        pass


context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)


def remember_sni(sock, name, ctx):
    seen_sni["name"] = name


context.sni_callback = remember_sni
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
