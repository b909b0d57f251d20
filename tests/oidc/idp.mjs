// What the OpenID Connect tier's tests share: a CA and a server certificate for localhost made
// with the openssl command, an HTTPS server on a free loopback port for the provider, and free
// ports for Concord's own processes.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';

// { ca: path of the CA's PEM, key, cert } for CN=localhost, SAN localhost and 127.0.0.1.
export function pki(work) {
  const run = (...args) => execFileSync('openssl', args, { cwd: work, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=Concord OIDC test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  fs.writeFileSync(path.join(work, 'idp.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost',
      '-keyout', 'idp.key', '-out', 'idp.csr');
  run('x509', '-req', '-in', 'idp.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1',
      '-extfile', 'idp.ext', '-out', 'idp.pem');
  return { ca: path.join(work, 'ca.pem'), key: fs.readFileSync(path.join(work, 'idp.key')),
           cert: fs.readFileSync(path.join(work, 'idp.pem')) };
}

// An HTTPS server on 127.0.0.1 (port 0) with the certificate of pki(); `handler(req, res)`.
export async function listenHttps(tls, handler) {
  const server = https.createServer({ key: tls.key, cert: tls.cert }, handler);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

export async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}
