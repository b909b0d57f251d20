// One way to call the services: /api/<service>/v1/... on the console's own origin, with the
// session's token, an Idempotency-Key on every POST, If-Match where a version is known, and
// every failure as a Problem the screen shows next to what caused it.
import { currentSession, endSession } from './session';
import type { Page, Problem } from './types';

export type ServiceName = 'scheduling' | 'delegations' | 'documents' | 'notifications';

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

export interface Reply<T> {
  status: number;
  body: T;
  etag: string | null;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  version?: number; // sent as If-Match
  query?: Record<string, string | undefined>;
}

// The connection banner: any screen's call that cannot reach a service sets it; the first call
// that gets through clears it.
type Listener = (down: string | null) => void;
const listeners = new Set<Listener>();
let down: string | null = null;
export function onConnection(l: Listener): () => void {
  listeners.add(l);
  l(down);
  return () => listeners.delete(l);
}
function setDown(what: string | null): void {
  if (what === down) return;
  down = what;
  for (const l of listeners) l(down);
}

let onSignedOut: () => void = () => {};
export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

export function url(service: ServiceName, path: string, query?: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  const qs = q.toString();
  return `/api/${service}${path}${qs ? (path.includes('?') ? '&' : '?') + qs : ''}`;
}

export async function call<T>(service: ServiceName, path: string, options: CallOptions = {}): Promise<Reply<T>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  const session = currentSession();
  if (session) headers.Authorization = `Bearer ${session.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method === 'POST') headers['Idempotency-Key'] = crypto.randomUUID();
  if (options.version !== undefined) headers['If-Match'] = `"${options.version}"`;
  let res: Response;
  try {
    res = await fetch(url(service, path, options.query), {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
  } catch {
    setDown(service);
    throw new ApiError({ type: 'about:blank', title: 'Network', status: 0, detail: 'Concord cannot be reached.' });
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.status === 503 || res.status === 502 || res.status === 504) setDown(service);
  else setDown(null);
  if (!res.ok) {
    const problem: Problem =
      body && typeof body === 'object' && 'status' in body
        ? (body as Problem)
        : { type: 'about:blank', title: res.statusText || 'Error', status: res.status, detail: text.slice(0, 300) };
    if (res.status === 401) {
      endSession();
      onSignedOut();
    }
    throw new ApiError(problem);
  }
  return { status: res.status, body: body as T, etag: res.headers.get('ETag') };
}

export async function get<T>(service: ServiceName, path: string, query?: Record<string, string | undefined>): Promise<T> {
  return (await call<T>(service, path, query ? { query } : {})).body;
}

// Every page of a list.
export async function all<T>(service: ServiceName, path: string, query: Record<string, string | undefined> = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await get<Page<T>>(service, path, { ...query, limit: '200', cursor });
    items.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return items;
}

// Whether the services answer again after an outage; the banner polls this.
export async function probe(): Promise<boolean> {
  try {
    const res = await fetch('/api/scheduling/v1/visits?limit=1', {
      headers: { Authorization: `Bearer ${currentSession()?.token ?? ''}` },
    });
    const ok = res.status < 500;
    if (ok) setDown(null);
    return ok;
  } catch {
    return false;
  }
}

// The exact bytes of a response (a signing payload), or its problem.
export async function getBytes(service: ServiceName, path: string, query?: Record<string, string | undefined>): Promise<ArrayBuffer> {
  let res: Response;
  try {
    res = await fetch(url(service, path, query), {
      headers: { Accept: 'application/octet-stream', Authorization: `Bearer ${currentSession()?.token ?? ''}` },
    });
  } catch {
    setDown(service);
    throw new ApiError({ type: 'about:blank', title: 'Network', status: 0, detail: 'Concord cannot be reached.' });
  }
  if (res.ok) return res.arrayBuffer();
  const text = await res.text();
  let problem: Problem = { type: 'about:blank', title: res.statusText || 'Error', status: res.status, detail: text.slice(0, 300) };
  try {
    const body = JSON.parse(text) as Problem;
    if (body && typeof body === 'object' && 'status' in body) problem = body;
  } catch {
    // not JSON: keep the text
  }
  throw new ApiError(problem);
}
