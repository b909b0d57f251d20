// The visit's change stream (GET /console/v1/visits/{id}/changes, Server-Sent Events read with
// fetch so the token travels in a header, not in the URL). Reconnects by itself.
import { currentSession } from './api/session';

export interface Change {
  type: string;
  subject: string;
  visit_id: string;
}

export function followVisit(visitId: string, onChange: (c: Change) => void, onState: (live: boolean) => void): () => void {
  let stopped = false;
  let controller: AbortController | null = null;

  async function run(): Promise<void> {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(`/console/v1/visits/${encodeURIComponent(visitId)}/changes`, {
          headers: { Accept: 'text/event-stream', Authorization: `Bearer ${currentSession()?.token ?? ''}` },
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data += line.slice(5).trim();
            }
            if (event === 'change' && data) onChange(JSON.parse(data) as Change);
          }
        }
      } catch {
        // dropped or refused: wait and reconnect
      }
      onState(false);
      if (!stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  }
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
