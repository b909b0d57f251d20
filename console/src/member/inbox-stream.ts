// The member's live inbox: Server-Sent Events from the notifications service, read with fetch()
// and opened with a single-use stream ticket. openInboxStream is the one place that opens the
// stream. After a drop, or after the phone was offline, the stream is opened again with
// Last-Event-ID: the service first sends, once each, the notifications that followed it.
import { currentSession } from '../api/session';
import type { Notification } from '../api/types';

export interface SseEvent {
  id: string | null; // the event's id field, if it had one
  event: string;
  data: string;
}

// The text/event-stream format (WHATWG HTML §9.2.6): fields per line, a blank line ends an
// event, ':' starts a comment, one space after the colon is dropped, data lines are joined
// with '\n'. Feed it chunks as they come; it keeps what is not complete yet.
export class SseParser {
  private buffer = '';
  private id: string | null = null;
  private event = '';
  private data: string[] = [];

  feed(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      // A lone '\r' at the end may be the first half of '\r\n': wait for more.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      if (line === '') {
        if (this.data.length > 0) out.push({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        this.id = null;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id' && !value.includes('\0')) this.id = value;
    }
    return out;
  }
}

// Opened with a single-use stream ticket (POST /v1/inbox/stream-tickets, valid 30 s), so the
// long-lived stream request carries no session token; each reconnection asks for a new one.
export async function openInboxStream(lastEventId: string | null, signal: AbortSignal): Promise<Response> {
  const issued = await fetch('/api/notifications/v1/inbox/stream-tickets', {
    method: 'POST',
    headers: { Authorization: `Bearer ${currentSession()?.token ?? ''}` },
    signal,
    cache: 'no-store',
  });
  if (!issued.ok) return issued;
  const { stream } = (await issued.json()) as { stream: string };
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (lastEventId) headers['Last-Event-ID'] = lastEventId;
  return fetch(`/api/notifications${stream}`, { headers, signal, cache: 'no-store' });
}

export type StreamState = 'live' | 'connecting' | 'offline';

// Follows the inbox from `since` (the newest notification already shown, or null) until the
// returned function is called. Reconnects by itself; drops the connection when the browser
// goes offline and comes back with Last-Event-ID when it is online again.
export function followInbox(
  since: string | null,
  onNotification: (n: Notification) => void,
  onState: (s: StreamState) => void,
): () => void {
  let last = since;
  let stopped = false;
  let controller: AbortController | null = null;
  let wake: (() => void) | null = null;

  const offline = () => controller?.abort();
  const online = () => wake?.();
  addEventListener('offline', offline);
  addEventListener('online', online);

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function run(): Promise<void> {
    let backoff = 1000;
    while (!stopped) {
      if (!navigator.onLine) {
        onState('offline');
        await pause(30_000);
        continue;
      }
      onState('connecting');
      controller = new AbortController();
      try {
        const res = await openInboxStream(last, controller.signal);
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState('live');
        backoff = 1000;
        const parser = new SseParser();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const e of parser.feed(value)) {
            if (e.event !== 'notification') continue;
            const n = JSON.parse(e.data) as Notification;
            last = e.id ?? n.id;
            onNotification(n);
          }
        }
      } catch {
        // dropped, refused or aborted: reconnect below
      }
      if (stopped) break;
      onState(navigator.onLine ? 'connecting' : 'offline');
      await pause(navigator.onLine ? backoff : 30_000);
      backoff = Math.min(backoff * 2, 15_000);
    }
  }
  void run();
  return () => {
    stopped = true;
    removeEventListener('offline', offline);
    removeEventListener('online', online);
    controller?.abort();
    wake?.();
  };
}
