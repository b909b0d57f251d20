// Sign-in at the organisation's OpenID Connect issuer: authorization code with PKCE, the
// console a public client (no secret). The console serves which issuer and client
// (GET /console/v1/config); the browser reads the issuer's discovery document, sends the person
// there, and on their return exchanges the code at the token endpoint. The access token is kept
// as the one-time links' sessions are (sessionStorage only); the code and state leave the
// address bar before anything else happens. Roles and, for a delegation member, the member
// come from the services (GET /api/delegations/v1/me): the issuer's token names no member.
import { challengeOf, claimsOf, randomSecret } from './pkce';
import { saveSession, type Role, type Session } from './session';

export interface OidcConfig {
  issuer: string;
  client_id: string;
  scopes: string;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

// What was started in this tab, kept until the person comes back.
interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  issuer: string;
  redirect_uri: string;
}

// Why a sign-in did not happen; the screen words it (signin.oidc.<kind>).
export interface OidcFailure {
  kind: 'denied' | 'refused' | 'state' | 'discovery' | 'exchange' | 'concord';
  detail: string;
}

// The authorization response taken from the address bar.
export type Returned =
  | { code: string; state: string; iss: string | null }
  | { error: string; description: string; state: string | null };

const pendingKey = 'concord.oidc.pending';

export function hostOf(issuer: string): string {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
}

export async function signInConfig(): Promise<OidcConfig | null> {
  const res = await fetch('/console/v1/config', { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as { oidc?: OidcConfig | null };
  return body.oidc ?? null;
}

async function discover(issuer: string): Promise<Discovery | OidcFailure> {
  try {
    const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
      headers: { Accept: 'application/json' },
    });
    if (!res.ok) return { kind: 'discovery', detail: `HTTP ${res.status}` };
    const d = (await res.json()) as Partial<Discovery>;
    if (d.issuer !== issuer) return { kind: 'discovery', detail: `the document names the issuer ${String(d.issuer)}` };
    if (!d.authorization_endpoint || !d.token_endpoint) return { kind: 'discovery', detail: 'no authorization or token endpoint' };
    return d as Discovery;
  } catch (e) {
    return { kind: 'discovery', detail: e instanceof Error ? e.message : String(e) };
  }
}

// Sends the browser to the issuer's sign-in page; resolves only on a failure before that.
export async function beginSignIn(config: OidcConfig): Promise<OidcFailure> {
  const d = await discover(config.issuer);
  if ('kind' in d) return d;
  const pending: Pending = {
    state: randomSecret(),
    nonce: randomSecret(),
    verifier: randomSecret(),
    issuer: config.issuer,
    redirect_uri: `${location.origin}/`,
  };
  sessionStorage.setItem(pendingKey, JSON.stringify(pending));
  const to = new URL(d.authorization_endpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: config.client_id,
    redirect_uri: pending.redirect_uri,
    scope: config.scopes,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) to.searchParams.set(k, v);
  location.assign(to.toString());
  return new Promise(() => {}); // the page is going away
}

// The issuer's answer (?code=…&state=… or ?error=…), taken out of the address bar at once; null
// when the address holds none.
export function takeAuthorizationResponse(): Returned | null {
  const q = new URLSearchParams(location.search);
  const code = q.get('code');
  const error = q.get('error');
  if (code === null && error === null) return null;
  history.replaceState(null, '', `${location.pathname}#/`);
  if (error !== null) return { error, description: q.get('error_description') ?? '', state: q.get('state') };
  return { code: code ?? '', state: q.get('state') ?? '', iss: q.get('iss') };
}

function takePending(): Pending | null {
  const raw = sessionStorage.getItem(pendingKey);
  sessionStorage.removeItem(pendingKey); // one answer per sign-in, whatever it is
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Pending;
  } catch {
    return null;
  }
}

interface Me {
  subject: string;
  roles: Role[];
  member_id: string | null;
  delegation_id: string | null;
  expires_at: string;
}

async function whoAmI(token: string): Promise<Me | OidcFailure> {
  try {
    const res = await fetch('/api/delegations/v1/me', {
      headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
    });
    const body = (await res.json().catch(() => ({}))) as Partial<Me> & { detail?: string };
    if (!res.ok) return { kind: 'concord', detail: body.detail ?? `HTTP ${res.status}` };
    return body as Me;
  } catch (e) {
    return { kind: 'concord', detail: e instanceof Error ? e.message : String(e) };
  }
}

async function exchange(d: Discovery, config: OidcConfig, p: Pending, code: string): Promise<string | OidcFailure> {
  let res: Response;
  try {
    res = await fetch(d.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: p.redirect_uri,
        client_id: config.client_id,
        code_verifier: p.verifier,
      }).toString(),
    });
  } catch (e) {
    return { kind: 'exchange', detail: e instanceof Error ? e.message : String(e) };
  }
  const body = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    id_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!res.ok || !body.access_token)
    return { kind: 'exchange', detail: [body.error ?? `HTTP ${res.status}`, body.error_description].filter(Boolean).join(': ') };
  // The ID token must be this sign-in's: our nonce, the issuer, the console as audience.
  const claims = body.id_token ? claimsOf(body.id_token) : null;
  const audience = claims?.aud;
  const forUs = Array.isArray(audience) ? audience.includes(config.client_id) : audience === config.client_id;
  if (!claims || claims.nonce !== p.nonce || claims.iss !== config.issuer || !forUs)
    return { kind: 'exchange', detail: 'the ID token is not for this sign-in' };
  return body.access_token;
}

// Completes the sign-in the address bar came back with: the session, or why not.
export async function completeSignIn(config: OidcConfig, returned: Returned): Promise<Session | OidcFailure> {
  const p = takePending();
  if ('error' in returned) {
    if (p && returned.state !== p.state) return { kind: 'state', detail: '' };
    return returned.error === 'access_denied'
      ? { kind: 'denied', detail: returned.description }
      : { kind: 'refused', detail: [returned.error, returned.description].filter(Boolean).join(': ') };
  }
  if (!p || p.issuer !== config.issuer || returned.state !== p.state) return { kind: 'state', detail: '' };
  if (returned.iss !== null && returned.iss !== config.issuer) return { kind: 'state', detail: '' }; // RFC 9207
  const d = await discover(config.issuer);
  if ('kind' in d) return d;
  const token = await exchange(d, config, p, returned.code);
  if (typeof token !== 'string') return token;
  const me = await whoAmI(token);
  if ('kind' in me) return me;
  const session: Session = {
    token,
    expires_at: me.expires_at,
    subject: me.subject,
    roles: me.roles,
    ...(me.member_id ? { member_id: me.member_id } : {}),
    ...(me.delegation_id ? { delegation_id: me.delegation_id } : {}),
  };
  saveSession(session);
  return session;
}
