// The member's inbox stream parser and the inbox's merge, in Node (no browser): how the
// event-stream format is read however the bytes are cut, and that a notification is kept once.
import { expect, test } from '@playwright/test';
import { SseParser } from '../src/member/inbox-stream';
import { merge } from '../src/member/inbox-state';
import type { Notification } from '../src/api/types';

test('the event-stream parser keeps ids, joins data lines and skips comments, however the bytes are cut', () => {
  const text =
    ': keep-alive\r\n\r\nid: 0190-a\r\nevent: notification\r\ndata: {"id":"0190-a",\r\ndata: "x":1}\r\n\r\n' +
    'event: ready\ndata: {}\n\nid:0190-b\nevent:notification\ndata:{"id":"0190-b"}\n\n';
  const expected = [
    { id: '0190-a', event: 'notification', data: '{"id":"0190-a",\n"x":1}' },
    { id: null, event: 'ready', data: '{}' },
    { id: '0190-b', event: 'notification', data: '{"id":"0190-b"}' },
  ];
  expect(new SseParser().feed(text)).toEqual(expected);
  // One character at a time, and cut between '\r' and '\n'.
  for (const size of [1, 2, 3, 7]) {
    const parser = new SseParser();
    const events = [];
    for (let i = 0; i < text.length; i += size) events.push(...parser.feed(text.slice(i, i + size)));
    expect(events, `chunks of ${size}`).toEqual(expected);
  }
  // An event not yet ended by a blank line is held back.
  const parser = new SseParser();
  expect(parser.feed('id: 1\nevent: notification\ndata: {}\n')).toEqual([]);
  expect(parser.feed('\n')).toEqual([{ id: '1', event: 'notification', data: '{}' }]);
});

test('the inbox keeps each notification once, newest first, the latest copy winning', () => {
  const n = (id: string, at: string, read: string | null = null): Notification => ({
    id, member_id: 'm', kind: 'meeting.rescheduled', title: id, body: '', language: 'ru', created_at: at, read_at: read,
    cause_event_id: 'e', cause_event_type: 't', subject: 'meeting/x', urgent: false, deliver_after: at,
  });
  const first = [n('b', '2026-12-04T10:00:01Z'), n('a', '2026-12-04T10:00:00Z')];
  const merged = merge(first, [n('c', '2026-12-04T10:00:02Z'), n('a', '2026-12-04T10:00:00Z', '2026-12-04T11:00:00Z')]);
  expect(merged.map((x) => x.id)).toEqual(['c', 'b', 'a']);
  expect(merged.find((x) => x.id === 'a')?.read_at).toBe('2026-12-04T11:00:00Z');
  expect(merge(merged, merged)).toEqual(merged);
});
