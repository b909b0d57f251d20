// The console's OpenID Connect sign-in in a real browser: Debian's Chromium driven by
// playwright-core, `concord serve` configured for a real oidc-provider (over HTTPS with a CA
// this test makes), people signing in through the provider's own login and consent pages
// (its development interactions). An officer lands on the visits list (an API call with the
// issuer's token); a person linked to a delegation member lands on the member's screens; the
// code, state and token are never left in the address bar, the token is in sessionStorage and
// never in localStorage; an expired token is said so; a refusal at the provider and a forged
// answer are said in words.
// Run by tests/oidc/run.sh (node --test), which installs the provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, listenHttps, pki } from './idp.mjs';

const bin = process.env.CONCORD_BIN_DIR;
const providerModule = process.env.OIDC_PROVIDER_MODULE;
const playwrightModule = process.env.PLAYWRIGHT_CORE_MODULE;  // console/node_modules/playwright-core/index.mjs
assert.ok(bin && providerModule && playwrightModule, 'tests/oidc/run.sh sets CONCORD_BIN_DIR, OIDC_PROVIDER_MODULE, PLAYWRIGHT_CORE_MODULE');
const { default: Provider } = await import(pathToFileURL(providerModule).href);
const { chromium } = await import(pathToFileURL(playwrightModule).href);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-oidc-console-'));
const shots = process.env.CONSOLE_TEST_OUTPUT ? path.join(process.env.CONSOLE_TEST_OUTPUT, 'screenshots') : work;
fs.mkdirSync(shots, { recursive: true });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const AUDIENCE = 'concord-api';
const RESOURCE = 'https://concord.test/api';
const CLIENT = 'concord-console';
// Who may sign in at the provider (any password): the roles it puts in their access tokens.
const people = { officer: ['concord-officer'], aibek: ['concord-member'], brief: ['concord-officer'] };
const BRIEF_SECONDS = 4;  // the access tokens of "brief" expire this soon

// --- the provider: the console a public client (PKCE, no secret), JWT access tokens for Concord
const tls = pki(work);
let handler = (req, res) => res.writeHead(503).end();
const idp = await listenHttps(tls, (req, res) => handler(req, res));
const issuer = `https://localhost:${idp.address().port}`;
const ports = { console: await freePort(), scheduling: await freePort(), delegations: await freePort(),
                documents: await freePort(), notifications: await freePort() };
const consoleUrl = `http://127.0.0.1:${ports.console}`;
const keys = [
  { ...crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'rsa', use: 'sig' },
  { ...crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'ec', use: 'sig', alg: 'ES256' },
];
const provider = new Provider(issuer, {
  jwks: { keys },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  ttl: { AccessToken: (ctx, token) => (token.accountId === 'brief' ? BRIEF_SECONDS : 600) },
  clients: [{ client_id: CLIENT, token_endpoint_auth_method: 'none', grant_types: ['authorization_code'],
              response_types: ['code'], redirect_uris: [`${consoleUrl}/`] }],
  features: {
    devInteractions: { enabled: true },  // the provider's own login and consent pages
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'api', audience: AUDIENCE, accessTokenFormat: 'jwt',
                                      jwt: { sign: { alg: 'ES256' } } }),
    },
  },
  extraTokenClaims: (ctx, token) => ({ realm_access: { roles: people[token.accountId] ?? [] } }),
});
provider.on('server_error', (ctx, err) => console.error('provider error', err));
handler = provider.callback();

// --- Concord: `concord serve` configured for the issuer, the console's sign-in through it ------
const serveLog = path.join(work, 'serve.log');
const env = { ...process.env, CONCORD_DATA_DIR: path.join(work, 'data'), CONCORD_ACCESS_LOG: 'false',
              CONCORD_CONSOLE_ADDR: `127.0.0.1:${ports.console}`,
              CONCORD_SCHEDULING_ADDR: `127.0.0.1:${ports.scheduling}`, CONCORD_DELEGATIONS_ADDR: `127.0.0.1:${ports.delegations}`,
              CONCORD_DOCUMENTS_ADDR: `127.0.0.1:${ports.documents}`, CONCORD_NOTIFICATIONS_ADDR: `127.0.0.1:${ports.notifications}`,
              CONCORD_OIDC_ISSUER: issuer, CONCORD_OIDC_AUDIENCE: AUDIENCE, CONCORD_OIDC_ROLES_CLAIM: 'realm_access.roles',
              CONCORD_OIDC_ROLE_MAP: 'concord-officer=host_officer,concord-member=delegation_member',
              CONCORD_OIDC_CA_FILE: tls.ca, CONCORD_CONSOLE_OIDC_CLIENT_ID: CLIENT, CONCORD_CONSOLE_OIDC_SCOPES: 'openid api' };
delete env.KAFKA_BROKERS;
delete env.REDIS_URL;
let serve;
let browser;
const seeded = {};

async function api(method, p, body, token = seeded.token) {
  for (let attempt = 0; ; ++attempt) {
    const res = await fetch(`${consoleUrl}${p}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    if (!res.ok && attempt < 100 && /known from/.test(text)) { await sleep(100); continue; }  // another service's topic
    assert.ok(res.ok, `${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
}

before(async () => {
  serve = spawn(path.join(bin, 'concord'), ['serve'], { env, stdio: ['ignore', 'ignore', fs.openSync(serveLog, 'w')] });
  for (let i = 0; i < 300; ++i) {
    try { if ((await fetch(`http://127.0.0.1:${ports.delegations}/readyz`)).ok && (await fetch(`${consoleUrl}/healthz`)).ok) break; } catch { /* not yet */ }
    assert.equal(serve.exitCode, null, `concord serve exited:\n${fs.readFileSync(serveLog, 'utf8')}`);
    await sleep(100);
  }
  // A visit to see, and a member linked to the provider's "aibek" (Concord's own officer token).
  seeded.token = execFileSync(path.join(bin, 'concord'), ['token', '--role', 'protocol_officer', '--sub', 'setup'],
                              { env }).toString().trim();
  seeded.visit = (await api('POST', '/api/scheduling/v1/visits', {
    title: { en: 'Visit signed in through OIDC' }, kind: 'official_visit', host_country: 'BY', guest_country: 'KG',
    starts_on: '2025-09-28', ends_on: '2025-09-29', time_zone: 'Europe/Minsk' })).id;
  const delegation = (await api('POST', '/api/delegations/v1/delegations',
    { visit_id: seeded.visit, country: 'KG', side: 'guest', name: { en: 'Delegation of Kyrgyzstan' } })).id;
  seeded.member = (await api('POST', `/api/delegations/v1/delegations/${delegation}/members`, {
    full_name: { en: 'Aibek Minister' }, position: { en: 'Minister' }, rank: 'minister', languages: ['en'],
    time_zone: 'Asia/Bishkek', contact: { email: 'aibek@gov.example.org' } })).id;
  await api('PUT', `/api/delegations/v1/members/${seeded.member}/identity`, { issuer, subject: 'aibek' });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  serve?.kill('SIGTERM');
  if (serve && serve.exitCode === null) await new Promise((r) => serve.on('exit', r));
  await new Promise((r) => idp.close(r));
  idp.closeAllConnections?.();
  fs.rmSync(work, { recursive: true, force: true });
});

// Chromium trusts the test's CA through the context's ignoreHTTPSErrors (the provider's
// certificate chains to a CA made above, which the browser has no store for); Concord's own
// processes verify the chain properly (CONCORD_OIDC_CA_FILE).
async function newPage() {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 860 }, locale: 'en-GB' });
  // The provider's pages @import a web font; nothing leaves the machine.
  await context.route(/^https:\/\/fonts\.(googleapis|gstatic)\.com\//, (route) => route.abort());
  return context.newPage();
}

// Through the provider's login and consent pages, back to the console.
async function signIn(page, login) {
  await page.goto(`${consoleUrl}/`);
  const button = page.getByRole('button', { name: `Sign in with localhost:${idp.address().port}` });
  await button.waitFor();
  await button.click();
  await page.waitForURL((u) => u.origin === issuer);
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();  // consent
  await page.waitForURL((u) => u.origin === consoleUrl);
}

async function expectCleanStorage(page) {
  const url = new URL(page.url());
  for (const leak of ['code', 'state', 'iss', 'token', 'access_token', 'id_token'])
    assert.equal(url.searchParams.get(leak), null, `${leak} left in ${page.url()}`);
  assert.ok(!/code=|state=|token/.test(url.hash), `the fragment holds ${url.hash}`);
  const stored = await page.evaluate(() => ({
    session: sessionStorage.getItem('concord.session'),
    pending: sessionStorage.getItem('concord.oidc.pending'),
    local: Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`).join('\n'),
  }));
  assert.ok(stored.session, 'the session is in sessionStorage');
  const session = JSON.parse(stored.session);
  assert.equal(JSON.parse(Buffer.from(session.token.split('.')[1], 'base64url')).iss, issuer, "the issuer's token");
  assert.equal(stored.pending, null, "the sign-in's verifier, state and nonce are gone");
  assert.ok(!stored.local.includes(session.token) && !/eyJ/.test(stored.local), `localStorage holds a token: ${stored.local}`);
  return session;
}

test('an officer signs in at the issuer, sees the visits list, leaves no code or token behind, and signs out', async () => {
  const page = await newPage();
  await page.goto(`${consoleUrl}/`);
  await page.getByRole('button', { name: /^Sign in with localhost:/ }).waitFor();
  await page.screenshot({ path: path.join(shots, 'oidc-sign-in.png') });
  const csp = (await page.request.get(`${consoleUrl}/`)).headers()['content-security-policy'];
  assert.match(csp, new RegExp(`connect-src 'self' ${issuer.replace(/[.]/g, '\\.')};`), csp);

  await signIn(page, 'officer');
  await page.getByRole('heading', { name: 'Visits' }).waitFor();
  await page.getByText('Visit signed in through OIDC').first().waitFor();  // read with the issuer's token
  const session = await expectCleanStorage(page);
  assert.deepEqual(session.roles, ['host_officer']);
  assert.equal(session.subject, 'officer');
  await page.screenshot({ path: path.join(shots, 'oidc-signed-in.png') });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: /^Sign in with localhost:/ }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('concord.session')), null);
  await page.context().close();
});

test("a person linked to a delegation member signs in and gets the member's screens", async () => {
  const page = await newPage();
  await signIn(page, 'aibek');
  await page.getByRole('heading', { name: 'My programme' }).waitFor();
  await page.getByText('Aibek Minister').waitFor();
  const session = await expectCleanStorage(page);
  assert.equal(session.member_id, seeded.member, 'the member comes from Concord\'s state, not the token');
  assert.deepEqual(session.roles, ['delegation_member']);
  await page.screenshot({ path: path.join(shots, 'oidc-member.png') });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: /^Sign in with localhost:/ }).waitFor();
  await page.context().close();
});

test('when the token expires the console says so and offers to sign in again', async () => {
  const page = await newPage();
  await signIn(page, 'brief');
  await page.getByRole('heading', { name: 'Visits' }).waitFor();
  const session = await expectCleanStorage(page);
  assert.ok(Date.parse(session.expires_at) - Date.now() <= BRIEF_SECONDS * 1000, session.expires_at);
  await page.getByRole('status').filter({ hasText: 'Your session has expired' }).waitFor({ timeout: (BRIEF_SECONDS + 5) * 1000 });
  await page.getByRole('button', { name: /^Sign in with localhost:/ }).waitFor();
  await page.screenshot({ path: path.join(shots, 'oidc-expired.png') });
  assert.equal(await page.evaluate(() => sessionStorage.getItem('concord.session')), null);
  await page.context().close();
});

test('a refusal at the issuer and an answer this tab did not ask for are said in words, and leave the address bar', async () => {
  const page = await newPage();
  await page.goto(`${consoleUrl}/?error=access_denied&error_description=End-User+aborted+interaction&state=whatever`);
  await page.getByRole('alert').filter({ hasText: 'was cancelled' }).waitFor();
  assert.equal(new URL(page.url()).search, '');
  await page.screenshot({ path: path.join(shots, 'oidc-denied.png') });
  await page.goto(`${consoleUrl}/?code=forged-code&state=forged-state`);
  await page.getByRole('alert').filter({ hasText: 'does not belong to a sign-in started in this tab' }).waitFor();
  assert.equal(new URL(page.url()).search, '');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('concord.session')), null);
  await page.getByRole('button', { name: /^Sign in with localhost:/ }).waitFor();  // and may start again
  await page.context().close();
});
