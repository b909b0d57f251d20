// The session token: in sessionStorage only (one tab, gone when it closes), never in
// localStorage and never in the address bar after sign-in. It comes from a one-time link
// (below) or from the OpenID Connect issuer (oidc.ts); either way the same Session.
const key = 'concord.session';

// protocol_officer: the name sessions made before host_officer carried.
export type Role = 'host_officer' | 'delegation_officer' | 'protocol_officer' | 'delegation_member' | 'integrator' | 'admin';
const officerRoles: Role[] = ['host_officer', 'delegation_officer', 'protocol_officer', 'admin'];

export interface Session {
  token: string;
  expires_at: string;
  subject: string;
  roles?: Role[]; // absent in sessions stored before members could sign in: an officer's
  member_id?: string;
  delegation_id?: string;
}

// A delegation member's session: the member's screens only, never an officer's.
export function memberOf(session: Session): string | null {
  return session.roles?.includes('delegation_member') &&
    !session.roles.some((role) => officerRoles.includes(role)) &&
    session.member_id
    ? session.member_id
    : null;
}

export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(key);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    return Date.parse(s.expires_at) > Date.now() ? s : null;
  } catch {
    return null;
  }
}

// A session was kept in this tab and its token has expired since (the sign-in screen says so).
export function sessionExpired(): boolean {
  const raw = sessionStorage.getItem(key);
  if (!raw) return false;
  try {
    return !(Date.parse((JSON.parse(raw) as Session).expires_at) > Date.now());
  } catch {
    return false;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(key, JSON.stringify(session));
}

export function endSession(): void {
  sessionStorage.removeItem(key);
}

// The link printed by deploy/run.sh is /#signin=<one-time code>: the code is taken out of the
// address bar at once, then exchanged for a session token.
export function takeSignInCode(): string | null {
  const match = /^#signin=([A-Za-z0-9_-]{16,128})$/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + '#/');
  return match[1] ?? null;
}

export async function exchangeCode(code: string): Promise<Session | string> {
  const res = await fetch('/console/v1/sign-in', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<Session> & { detail?: string };
  if (!res.ok || !body.token) return body.detail ?? `HTTP ${res.status}`;
  const session: Session = {
    token: body.token,
    expires_at: body.expires_at ?? '',
    subject: body.subject ?? '',
    roles: body.roles ?? ['host_officer'],
    ...(body.member_id ? { member_id: body.member_id } : {}),
    ...(body.delegation_id ? { delegation_id: body.delegation_id } : {}),
  };
  saveSession(session);
  return session;
}
