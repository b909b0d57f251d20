// The session token: in sessionStorage only (one tab, gone when it closes), never in
// localStorage and never in the address bar after sign-in.
const key = 'concord.session';

export interface Session {
  token: string;
  expires_at: string;
  subject: string;
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

export function endSession(): void {
  sessionStorage.removeItem(key);
}

// The link printed by deploy/run.sh is /#signin=<one-time code>: the code is taken out of the
// address bar at once, then exchanged for a session token.
export function takeSignInCode(): string | null {
  const match = /^#signin=([A-Za-z0-9_-]{16,128})$/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + '#/visits');
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
  const session: Session = { token: body.token, expires_at: body.expires_at ?? '', subject: body.subject ?? '' };
  sessionStorage.setItem(key, JSON.stringify(session));
  return session;
}
