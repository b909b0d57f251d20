// Concord against a real OpenID Provider: oidc-provider (OpenID Certified) serving discovery and
// its JWKS over HTTPS with a CA this test makes, RS256/PS256/ES256/EdDSA keys, tokens from the
// client-credentials grant. concord-scheduling runs as a process with CONCORD_OIDC_* set and
// is never restarted. Run by tests/oidc/run.sh (node --test), which installs the provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, pki } from './idp.mjs';

const bin = process.env.CONCORD_BIN_DIR;
const providerModule = process.env.OIDC_PROVIDER_MODULE;  // .../node_modules/oidc-provider/lib/index.js
assert.ok(bin && providerModule, 'CONCORD_BIN_DIR and OIDC_PROVIDER_MODULE must be set (tests/oidc/run.sh sets them)');
const { default: Provider } = await import(pathToFileURL(providerModule).href);

const REFETCH_SECONDS = 2;
const ROLE_MAP = 'concord-officer=host_officer,concord-delegation-officer=delegation_officer,concord-integrator=integrator,'
               + 'concord-admin=admin,concord-member=delegation_member';
const AUDIENCE = 'concord-api';
const RESOURCE = 'https://concord.test/api';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-oidc-'));
const b64url = (b) => Buffer.from(b).toString('base64url');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- the provider's signing keys: one RSA (RS256 and PS256), one P-256, one Ed25519 ---------
function keyset(generation) {
  const jwk = (type, options, extra) => ({ ...crypto.generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }),
                                          use: 'sig', ...extra });
  return [
    jwk('rsa', { modulusLength: 2048 }, { kid: `rsa-${generation}` }),
    jwk('ec', { namedCurve: 'P-256' }, { kid: `ec-${generation}`, alg: 'ES256' }),
    jwk('ed25519', {}, { kid: `ed-${generation}`, alg: 'EdDSA' }),
  ];
}

// Clients of the client-credentials grant: the algorithm their tokens are signed with, the
// roles (Keycloak's realm_access.roles shape) and country the provider puts in them.
const clients = {
  'officer-rs': { alg: 'RS256', roles: ['offline_access', 'concord-officer'], country: 'kg' },
  'officer-ps': { alg: 'PS256', roles: ['concord-officer'], country: 'by' },
  'integrator-es': { alg: 'ES256', roles: ['concord-integrator'] },
  'admin-ed': { alg: 'EdDSA', roles: ['concord-admin'] },
  'kg-officer-es': { alg: 'ES256', roles: ['concord-delegation-officer'], country: 'kg' },
  'countryless-officer-ed': { alg: 'EdDSA', roles: ['concord-delegation-officer'] },
  'nobody-es': { alg: 'ES256', roles: ['uma_authorization'] },
  'bad-country-rs': { alg: 'RS256', roles: ['concord-officer'], country: 'KGZ' },
  'other-audience-rs': { alg: 'RS256', roles: ['concord-officer'], audience: 'another-api' },
  'short-lived-ed': { alg: 'EdDSA', roles: ['concord-officer'], ttl: 1 },
  // People who sign in as delegation members: which member is Concord's state to say.
  'person-linked': { alg: 'ES256', roles: ['concord-member'] },
  'person-invited': { alg: 'EdDSA', roles: ['concord-member'] },
  'person-unlinked': { alg: 'RS256', roles: ['concord-member'] },
};

function makeProvider(issuer, keys) {
  const provider = new Provider(issuer, {
    jwks: { keys },
    clients: Object.keys(clients).map((id) => ({
      client_id: id, client_secret: `${id}-secret`, grant_types: ['client_credentials'], redirect_uris: [],
      response_types: [], token_endpoint_auth_method: 'client_secret_post',
    })),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        getResourceServerInfo: (ctx, resource, client) => {
          const c = clients[client.clientId];
          return { scope: 'api', audience: c.audience ?? AUDIENCE, accessTokenTTL: c.ttl ?? 600,
                   accessTokenFormat: 'jwt', jwt: { sign: { alg: c.alg } } };
        },
      },
    },
    extraTokenClaims: (ctx, token) => {
      const c = clients[token.clientId];
      return { realm_access: { roles: c.roles }, ...(c.country ? { country: c.country } : {}) };
    },
  });
  provider.on('server_error', (ctx, err) => console.error('provider error', err));
  return provider;
}

// One HTTPS server whose handler is swapped on rotation (same issuer, same port), counting the
// JWKS requests it serves.
const tls = pki(work);
let handler;
let jwksRequests = 0;
const idp = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
  if (req.url.startsWith('/jwks')) ++jwksRequests;
  handler(req, res);
});
await new Promise((r) => idp.listen(0, '127.0.0.1', r));
const issuer = `https://localhost:${idp.address().port}`;
let generation = 1;
let keys = keyset(generation);
handler = makeProvider(issuer, keys).callback();

async function token(clientId, provider = { port: idp.address().port }) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId,
                                     client_secret: `${clientId}-secret`, resource: RESOURCE }).toString();
  const text = await new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', servername: 'localhost', port: provider.port, path: '/token',
                                method: 'POST', ca: fs.readFileSync(tls.ca),
                                headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`${res.statusCode} ${data}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  return JSON.parse(text).access_token;
}
const decode = (jwt) => jwt.split('.').slice(0, 2).map((s) => JSON.parse(Buffer.from(s, 'base64url')));

// --- Concord: concord-scheduling as a process, configured for the issuer --------------------
const concordPort = await freePort();
const base = `http://127.0.0.1:${concordPort}`;
const serviceLog = path.join(work, 'scheduling.log');
let service;

before(async () => {
  const env = { ...process.env, CONCORD_DATA_DIR: path.join(work, 'data'), CONCORD_HTTP_ADDR: `127.0.0.1:${concordPort}`,
                CONCORD_OIDC_ISSUER: issuer, CONCORD_OIDC_AUDIENCE: AUDIENCE, CONCORD_OIDC_ROLES_CLAIM: 'realm_access.roles',
                CONCORD_OIDC_ROLE_MAP: ROLE_MAP,
                CONCORD_OIDC_CA_FILE: tls.ca, CONCORD_OIDC_REFETCH_INTERVAL: `${REFETCH_SECONDS}s`,
                CONCORD_JWT_LEEWAY: '0' };
  delete env.KAFKA_BROKERS;
  delete env.REDIS_URL;
  service = spawn(path.join(bin, 'concord-scheduling'), [], { env, stdio: ['ignore', 'ignore', fs.openSync(serviceLog, 'w')] });
  for (let i = 0; i < 300; ++i) {
    try { if ((await fetch(`${base}/readyz`)).ok) return; } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error(`concord-scheduling did not become ready:\n${fs.readFileSync(serviceLog, 'utf8')}`);
});

after(async () => {
  service?.kill('SIGTERM');
  await new Promise((r) => idp.close(r));
  fs.rmSync(work, { recursive: true, force: true });
});

const call = (method, p, jwt, body) => fetch(`${base}${p}`, {
  method, headers: { ...(jwt ? { authorization: `Bearer ${jwt}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
  body: body ? JSON.stringify(body) : undefined });
const venue = (n) => ({ name: `OIDC hall ${n}`, city: 'Minsk', time_zone: 'Europe/Minsk', capacity: 20 });
async function expectProblem(res, status, detailPart) {
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type'), /application\/problem\+json/);
  const problem = await res.json();
  if (detailPart) assert.ok(problem.detail.includes(detailPart), `"${problem.detail}" should mention "${detailPart}"`);
  return problem;
}

// --- the tests ----------------------------------------------------------------------------------
test('tokens of every algorithm are accepted, roles mapped from realm_access.roles', async () => {
  for (const [id, expectWrite] of [['officer-rs', 201], ['officer-ps', 201], ['admin-ed', 201], ['integrator-es', 403]]) {
    const jwt = await token(id);
    const [header, claims] = decode(jwt);
    assert.equal(header.alg, clients[id].alg);
    assert.equal(claims.iss, issuer);
    assert.equal(claims.sub, id);
    assert.equal((await call('GET', '/v1/venues', jwt)).status, 200, `${id} reads`);
    const res = await call('POST', '/v1/venues', jwt, venue(id));
    assert.equal(res.status, expectWrite, `${id} writes: ${await res.clone().text()}`);
  }
  assert.equal(jwksRequests, 1, 'one JWKS fetch served every key type');
});

test('a token naming no Concord role, or a malformed country, is refused 401', async () => {
  await expectProblem(await call('GET', '/v1/venues', await token('nobody-es')), 401, 'names no role');
  await expectProblem(await call('GET', '/v1/venues', await token('bad-country-rs')), 401, 'two-letter country code');
});

test("a delegation officer's country claim is mapped and required", async () => {
  const kg = await token('kg-officer-es');
  assert.equal(decode(kg)[1].country, 'kg');
  assert.equal((await call('GET', '/v1/venues', kg)).status, 200, 'reads the programme');
  await expectProblem(await call('POST', '/v1/venues', kg, venue('kg')), 403, '');
  await expectProblem(await call('GET', '/v1/venues', await token('countryless-officer-ed')), 401, "officer's country");
});

test('Concord\'s own development tokens keep working beside the issuer', async () => {
  const local = execFileSync(path.join(bin, 'concord'), ['token', '--role', 'protocol_officer', '--sub', 'dev'],
                             { env: { ...process.env, CONCORD_DATA_DIR: path.join(work, 'data') } }).toString().trim();
  assert.equal((await call('POST', '/v1/venues', local, venue('dev'))).status, 201);
});

test('every attack of the verifier\'s suite is refused on the RS256, ES256 and EdDSA paths', async () => {
  for (const id of ['officer-rs', 'integrator-es', 'admin-ed']) {
    const genuine = await token(id);
    const [h, p, s] = genuine.split('.');
    const [header, claims] = decode(genuine);
    const publicJwk = keys.find((k) => k.kid === header.kid);
    const publicOnly = Object.fromEntries(Object.entries(publicJwk).filter(([k]) => !['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(k)));
    const enc = (o) => b64url(JSON.stringify(o));
    const hmac = (secret, input) => crypto.createHmac('sha256', secret).update(input).digest('base64url');
    const forged = { ...claims, sub: 'forged', realm_access: { roles: ['concord-admin', 'concord-officer'] } };
    const attacks = {
      'alg none': [`${enc({ ...header, alg: 'none' })}.${p}.`, 'accepts only'],
      'alg none, genuine signature': [`${enc({ ...header, alg: 'none' })}.${p}.${s}`, 'accepts only'],
      'HS256 keyed with the public JWK': [(() => { const i = `${enc({ ...header, alg: 'HS256' })}.${enc(forged)}`;
        return `${i}.${hmac(JSON.stringify(publicOnly), i)}`; })(), 'accepts only'],
      'another key type\'s algorithm': [`${enc({ ...header, alg: header.alg === 'RS256' ? 'ES256' : 'RS256' })}.${p}.${s}`, 'not for that algorithm'],
      'payload tampered': [`${h}.${enc(forged)}.${s}`, 'signature does not verify'],
      'signature of another payload': [`${h}.${enc({ ...claims, sub: 'someone-else' })}.${s}`, 'signature does not verify'],
      'signature stripped': [`${h}.${p}.`, 'not signed'],
    };
    for (const [name, [jwt, detail]] of Object.entries(attacks)) {
      const res = await call('GET', '/v1/venues', jwt);
      await expectProblem(res, 401, detail).catch((e) => { throw new Error(`${id}: ${name}: ${e.message}`); });
    }
  }
  // Another audience, from the same issuer and key.
  await expectProblem(await call('GET', '/v1/venues', await token('other-audience-rs')), 401, 'audience');
  // Expiry (CONCORD_JWT_LEEWAY=0 for this service): a one-second token, a little later.
  const shortLived = await token('short-lived-ed');
  assert.equal((await call('GET', '/v1/venues', shortLived)).status, 200);
  await sleep(2100);
  await expectProblem(await call('GET', '/v1/venues', shortLived), 401, 'expired');
});

test('another issuer holding the same keys is refused: iss must be the configured issuer', async () => {
  const twin = https.createServer({ key: tls.key, cert: tls.cert }, makeProvider(`https://127.0.0.1:${0}`, keys).callback());
  await new Promise((r) => twin.listen(0, '127.0.0.1', r));
  try {
    // The twin's issuer string is fixed at creation; what matters is that it is not ours.
    const jwt = await token('officer-rs', { port: twin.address().port });
    assert.notEqual(decode(jwt)[1].iss, issuer);
    await expectProblem(await call('GET', '/v1/venues', jwt), 401, 'issuer');
  } finally {
    await new Promise((r) => twin.close(r));
  }
});

test('a key rotation at the provider is followed without restarting Concord', async () => {
  const before = jwksRequests;
  const oldToken = await token('officer-rs');  // signed by generation 1, never shown to Concord
  keys = keyset(++generation);
  handler = makeProvider(issuer, keys).callback();  // same issuer, same port, new keys only
  const fresh = await token('officer-rs');
  assert.equal(decode(fresh)[0].kid, `rsa-${generation}`);
  await sleep(REFETCH_SECONDS * 1000 + 100);  // the last fetch may have been moments ago
  const res = await call('POST', '/v1/venues', fresh, venue('after rotation'));
  assert.equal(res.status, 201, await res.clone().text());
  assert.equal(jwksRequests, before + 1, 'the unknown kid made exactly one fetch');
  for (const id of ['officer-ps', 'integrator-es', 'admin-ed'])
    assert.equal((await call('GET', '/v1/venues', await token(id))).status, 200, id);
  // The withdrawn key no longer verifies.
  await expectProblem(await call('GET', '/v1/venues', oldToken), 401, 'does not publish');
  assert.equal(service.exitCode, null, 'the service was never restarted');
});

test('a flood of unknown kids is at most one JWKS fetch per refetch interval', async () => {
  const genuine = await token('officer-rs');
  const [, p, s] = genuine.split('.');
  const header = decode(genuine)[0];
  await sleep(REFETCH_SECONDS * 1000 + 100);
  const before = jwksRequests;
  const started = Date.now();
  let sent = 0;
  let refused = 0;
  while (Date.now() - started < 2.25 * REFETCH_SECONDS * 1000) {  // a little over two intervals
    const jwt = `${b64url(JSON.stringify({ ...header, kid: `made-up-${sent}-${crypto.randomUUID()}` }))}.${p}.${s}`;
    const res = await call('GET', '/v1/venues', jwt);
    ++sent;
    if (res.status === 401) ++refused;
    await res.arrayBuffer();
  }
  const seconds = (Date.now() - started) / 1000;
  const fetches = jwksRequests - before;
  const bound = Math.floor(seconds / REFETCH_SECONDS) + 1;
  console.log(`flood: ${sent} unknown kids in ${seconds.toFixed(2)} s → ${fetches} JWKS fetches (at most ${bound} allowed)`);
  assert.ok(sent > 100, `only ${sent} requests were sent`);
  assert.equal(refused, sent);
  assert.ok(fetches >= 2 && fetches <= bound, `${fetches} fetches for ${seconds} s of flooding`);
  assert.equal((await call('GET', '/v1/venues', genuine)).status, 200, 'a known key still verifies at once');
});

// --- people, not claims: members linked to the identity that signs in ---------------------------
// `concord serve` (all four services) configured for the same issuer. An officer links one
// person's issuer + subject to a Kyrgyz member; another person redeems an invitation to a
// Belarusian member; a third is linked to nobody. The issuer's tokens carry no member_id or
// delegation_id: which member and which delegation is what Concord's state says.
test('a person linked to a member (by an officer, or by invitation) reads that member\'s programme; an unlinked one gets 403', async () => {
  const ports = { scheduling: await freePort(), delegations: await freePort(), documents: await freePort(),
                  notifications: await freePort() };
  const url = (svc, p) => `http://127.0.0.1:${ports[svc]}${p}`;
  const env = { ...process.env, CONCORD_DATA_DIR: path.join(work, 'serve-data'), CONCORD_ACCESS_LOG: 'false',
                CONCORD_SCHEDULING_ADDR: `127.0.0.1:${ports.scheduling}`, CONCORD_DELEGATIONS_ADDR: `127.0.0.1:${ports.delegations}`,
                CONCORD_DOCUMENTS_ADDR: `127.0.0.1:${ports.documents}`, CONCORD_NOTIFICATIONS_ADDR: `127.0.0.1:${ports.notifications}`,
                CONCORD_CONSOLE_ADDR: '127.0.0.1:0',
                CONCORD_OIDC_ISSUER: issuer, CONCORD_OIDC_AUDIENCE: AUDIENCE, CONCORD_OIDC_ROLES_CLAIM: 'realm_access.roles',
                CONCORD_OIDC_ROLE_MAP: ROLE_MAP, CONCORD_OIDC_CA_FILE: tls.ca, CONCORD_OIDC_REFETCH_INTERVAL: `${REFETCH_SECONDS}s` };
  delete env.KAFKA_BROKERS;
  delete env.REDIS_URL;
  const serveLog = path.join(work, 'serve.log');
  const serve = spawn(path.join(bin, 'concord'), ['serve'], { env, stdio: ['ignore', 'ignore', fs.openSync(serveLog, 'w')] });
  try {
    for (const svc of Object.keys(ports)) {
      let ready = false;
      for (let i = 0; i < 300 && !ready; ++i) {
        try { ready = (await fetch(url(svc, '/readyz'))).ok; } catch { /* not yet */ }
        if (!ready) await sleep(100);
      }
      assert.ok(ready, `${svc} did not become ready:\n${fs.readFileSync(serveLog, 'utf8')}`);
    }
    const send = (svc, method, p, jwt, body) => fetch(url(svc, p), {
      method, headers: { authorization: `Bearer ${jwt}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined });
    // The other services follow the delegations topics: what was just written reaches them soon.
    async function eventually(what, fn) {
      let last;
      for (let i = 0; i < 100; ++i) {
        last = await fn();
        if (last.ok) return last;
        await sleep(100);
      }
      assert.fail(`${what}: ${last.status} ${await last.text()}`);
    }
    const officer = await token('officer-rs');
    const ok = async (res, status = [200, 201]) => {
      assert.ok([].concat(status).includes(res.status), `${res.status} ${await res.clone().text()}`);
      return res.status === 204 ? null : res.json();
    };
    const venueId = (await ok(await send('scheduling', 'POST', '/v1/venues', officer, venue('identity')))).id;
    const visit = (await ok(await send('scheduling', 'POST', '/v1/visits', officer, {
      title: { en: 'Identity visit' }, kind: 'official_visit', host_country: 'BY', guest_country: 'KG',
      starts_on: '2025-09-28', ends_on: '2025-09-29', time_zone: 'Europe/Minsk' }))).id;
    const deleg = {};
    for (const [country, side] of [['BY', 'host'], ['KG', 'guest']])
      deleg[country] = (await ok(await send('delegations', 'POST', '/v1/delegations', officer,
        { visit_id: visit, country, side, name: { en: `Delegation ${country}` } }))).id;
    const member = async (country, name) => (await ok(await send('delegations', 'POST', `/v1/delegations/${deleg[country]}/members`,
      officer, { full_name: { en: name }, position: { en: 'Minister' }, rank: 'minister', languages: ['ru'],
                 time_zone: 'Europe/Minsk', contact: { email: `${name.split(' ')[0].toLowerCase()}@gov.example.org` } }))).id;
    const aibek = await member('KG', 'Aibek Minister');
    const olga = await member('BY', 'Olga Minister');
    const talks = { title: { en: 'Talks' }, kind: 'expanded_format', venue_id: venueId, participants: [aibek, olga],
                    start: '2025-09-28T10:00:00+03:00', end: '2025-09-28T11:00:00+03:00' };
    const meeting = (await (await eventually('the meeting', () => send('scheduling', 'POST', `/v1/visits/${visit}/meetings`, officer, talks))).json()).id;

    // 1. An officer links a person's identity to the Kyrgyz member.
    const linked = await ok(await send('delegations', 'PUT', `/v1/members/${aibek}/identity`, officer,
                                       { issuer, subject: 'person-linked' }));
    assert.equal(linked.delegation_id, deleg.KG);
    assert.equal(linked.via, 'officer');
    const personLinked = await token('person-linked');
    const claims = decode(personLinked)[1];
    assert.equal(claims.member_id, undefined, 'the issuer says nothing of members');
    assert.equal(claims.delegation_id, undefined);
    const programme = await (await eventually('the linked person reads their programme', () =>
      send('scheduling', 'GET', `/v1/visits/${visit}/programme?member_id=${aibek}`, personLinked))).json();
    assert.ok(JSON.stringify(programme).includes(meeting), 'the programme holds the member\'s meeting');
    // The delegation is the state's: their own roster, not the other side's; not another member's programme.
    assert.equal((await send('delegations', 'GET', `/v1/delegations/${deleg.KG}/members`, personLinked)).status, 200);
    await expectProblem(await send('delegations', 'GET', `/v1/delegations/${deleg.BY}/members`, personLinked), 403);
    await expectProblem(await send('scheduling', 'GET', `/v1/visits/${visit}/programme?member_id=${olga}`, personLinked), 403);
    const self = await ok(await send('delegations', 'GET', `/v1/members/${aibek}`, personLinked));
    assert.equal(self.contact.email, 'aibek@gov.example.org', 'their own personal data');
    assert.equal(self.identity.subject, 'person-linked');
    // The same identity cannot be linked to a second member.
    await expectProblem(await send('delegations', 'PUT', `/v1/members/${olga}/identity`, officer,
                                   { issuer, subject: 'person-linked' }), 409);

    // 2. An invitation for the Belarusian member, redeemed by another person.
    const personInvited = await token('person-invited');
    await expectProblem(await send('scheduling', 'GET', `/v1/visits/${visit}/programme?member_id=${olga}`, personInvited),
                        403, 'not linked to a delegation member');
    const invitation = await ok(await send('delegations', 'POST', `/v1/members/${olga}/invitations`, officer, { expires_in: 'P2D' }));
    assert.match(invitation.code, /^inv_[0-9a-f]{64}$/);
    const redeemed = await ok(await send('delegations', 'POST', '/v1/invitations/redeem', personInvited, { code: invitation.code }));
    assert.equal(redeemed.member_id, olga);
    assert.equal(redeemed.delegation_id, deleg.BY);
    assert.equal(redeemed.via, 'invitation');
    const theirs = await (await eventually('the invited person reads their programme', () =>
      send('scheduling', 'GET', `/v1/visits/${visit}/programme?member_id=${olga}`, personInvited))).json();
    assert.ok(JSON.stringify(theirs).includes(meeting));
    await expectProblem(await send('scheduling', 'GET', `/v1/visits/${visit}/programme?member_id=${aibek}`, personInvited), 403);
    // Single use.
    await expectProblem(await send('delegations', 'POST', '/v1/invitations/redeem', await token('person-unlinked'),
                                   { code: invitation.code }), 409, 'already been used');

    // 3. A person linked to nobody is refused on member routes.
    const nobody = await token('person-unlinked');
    await expectProblem(await send('scheduling', 'GET', `/v1/visits/${visit}/programme?member_id=${aibek}`, nobody), 403, 'not linked');
    await expectProblem(await send('notifications', 'GET', '/v1/inbox', nobody), 403, 'not linked');
    await expectProblem(await send('delegations', 'GET', `/v1/members/${aibek}`, nobody), 403, 'not linked');
    await expectProblem(await send('documents', 'GET', '/v1/documents', nobody), 403, 'not linked');

    // 4. Unlinked by the officer: the person is nobody again.
    await ok(await send('delegations', 'DELETE', `/v1/members/${aibek}/identity`, officer), 204);
    await expectProblem(await send('delegations', 'GET', `/v1/members/${aibek}`, personLinked), 403, 'not linked');
  } finally {
    serve.kill('SIGTERM');
    await new Promise((r) => (serve.exitCode !== null ? r() : serve.on('exit', r)));
  }
});
