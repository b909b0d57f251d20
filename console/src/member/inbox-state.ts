// The inbox as the shell keeps it: the first page, then live arrivals and older pages merged
// by id (a notification is shown once, whichever way it came), newest first.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, get } from '../api/client';
import type { Notification, NotificationList } from '../api/types';
import type { InboxState } from './context';
import { followInbox, type StreamState } from './inbox-stream';

export function merge(items: Notification[], more: Notification[]): Notification[] {
  const byId = new Map(items.map((n) => [n.id, n]));
  for (const n of more) byId.set(n.id, { ...byId.get(n.id), ...n });
  return [...byId.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : -1));
}

export function useInbox(memberId: string): InboxState {
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [stream, setStream] = useState<StreamState>('connecting');
  const seen = useRef(new Set<string>());

  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    void (async () => {
      let newest: string | null = null;
      try {
        const page = await get<NotificationList>('notifications', '/v1/inbox', { limit: '50' });
        if (cancelled) return;
        for (const n of page.items) seen.current.add(n.id);
        setItems(page.items);
        setUnread(page.unread_count);
        setNext(page.next_cursor);
        newest = page.items[0]?.id ?? null;
      } catch {
        // offline or refused: the stream below still tries, from the start
      }
      if (cancelled) return;
      stop = followInbox(
        newest,
        (n) => {
          if (seen.current.has(n.id)) return;
          seen.current.add(n.id);
          setItems((old) => merge(old, [n]));
          if (!n.read_at) setUnread((u) => u + 1);
        },
        setStream,
      );
    })();
    return () => {
      cancelled = true;
      stop();
    };
  }, [memberId]);

  const markRead = async (ids: string[]) => {
    const read: Notification[] = [];
    for (const id of ids) read.push((await call<Notification>('notifications', `/v1/inbox/${id}/read`, { method: 'POST', body: {} })).body);
    setItems((old) => merge(old, read));
    const page = await get<NotificationList>('notifications', '/v1/inbox', { limit: '1' });
    setUnread(page.unread_count);
  };
  const more = async () => {
    if (!next) return;
    const page = await get<NotificationList>('notifications', '/v1/inbox', { limit: '50', cursor: next });
    for (const n of page.items) seen.current.add(n.id);
    setItems((old) => merge(old, page.items));
    setNext(page.next_cursor);
  };
  return { items, unread, next, stream, markRead, more };
}
