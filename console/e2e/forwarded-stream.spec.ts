// The four-process mode's forwarding of live streams: a stand-alone concord-console process
// (tests/browser/run.sh starts it; CONSOLE_FORWARD_URL) in front of the services' own
// addresses (those of the `concord serve` the other tests use). A member's inbox stream is
// opened through it with a stream ticket, an officer moves a meeting through it, and the
// notification arrives on the still-open stream. Node only: what is tested is the console's
// forwarding, event by event, not a screen.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';

const fwd = process.env.CONSOLE_FORWARD_URL ?? '';
const officer = process.env.CONSOLE_TOKEN ?? '';
const bin = process.env.CONCORD_BIN ?? '';

type Json = Record<string, unknown> & { id: string; version: number };

// Through the forwarding console. A service that learns of another's aggregates from its topic
// may not know one yet ("... is known from ..."): such a refusal is retried.
async function ok(method: string, path: string, body: unknown, token = officer, version?: number): Promise<Json> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${fwd}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        ...(method === 'POST' ? { 'Idempotency-Key': crypto.randomUUID() } : {}),
        ...(version !== undefined ? { 'If-Match': `"${version}"` } : {}),
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok && attempt < 100 && /known from/.test(text)) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return JSON.parse(text) as Json;
  }
}

// Reads the event stream until an event of that type arrives; the stream stays open.
async function nextEvent(reader: ReadableStreamDefaultReader<string>, buffered: { text: string }, type: string): Promise<{ id: string; data: string }> {
  for (;;) {
    for (let end = buffered.text.indexOf('\n\n'); end >= 0; end = buffered.text.indexOf('\n\n')) {
      const block = buffered.text.slice(0, end);
      buffered.text = buffered.text.slice(end + 2);
      const field = (name: string) => block.split('\n').filter((l) => l.startsWith(`${name}: `)).map((l) => l.slice(name.length + 2));
      if (field('event')[0] === type) return { id: field('id')[0] ?? '', data: field('data').join('\n') };
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before a "${type}" event`);
    buffered.text += value;
  }
}

test('the inbox stream passes through a stand-alone console as it happens', async () => {
  expect(fwd, 'CONSOLE_FORWARD_URL (tests/browser/run.sh starts the stand-alone console)').not.toBe('');
  // Non-stream calls go through it as before. (No venue: venues are shared by every visit, and
  // the officers' programme screenshots should not grow a column.)
  const visit = await ok('POST', '/api/scheduling/v1/visits', {
    title: { en: 'Forwarded streams' }, kind: 'working_visit', host_country: 'BY', guest_country: 'KG',
    starts_on: '2026-05-11', ends_on: '2026-05-12', time_zone: 'Europe/Minsk',
  });
  const delegation = await ok('POST', '/api/delegations/v1/delegations', { visit_id: visit.id, country: 'KG', side: 'guest', name: { en: 'Delegation of Kyrgyzstan' } });
  const member = await ok('POST', `/api/delegations/v1/delegations/${delegation.id}/members`, {
    full_name: { en: 'Bakyt Torobaev' }, position: { en: 'Minister' }, rank: 'minister', languages: ['en'], time_zone: 'Asia/Bishkek',
    notifications: { language: 'en', channels: ['inbox'] },
  });
  const meeting = await ok('POST', `/api/scheduling/v1/visits/${visit.id}/meetings`, {
    title: { en: 'Talks on trade' }, kind: 'site_visit', start: '2026-05-11T10:00:00+03:00', end: '2026-05-11T11:00:00+03:00',
    venue_id: null, participants: [member.id],
  });

  // The member's stream, opened through the console with a single-use ticket.
  const memberToken = execFileSync(bin, ['token', '--role', 'delegation_member', '--sub', 'forwarded-member', '--member-id', member.id,
    '--delegation-id', delegation.id, '--ttl', '10m'], { encoding: 'utf8' }).trim();
  const ticket = await ok('POST', '/api/notifications/v1/inbox/stream-tickets', {}, memberToken);
  const stream = await fetch(`${fwd}/api/notifications${ticket.stream as string}`, { headers: { Accept: 'text/event-stream' } });
  expect(stream.status).toBe(200);
  expect(stream.headers.get('content-type')).toBe('text/event-stream');
  expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  const buffered = { text: '' };

  // The officer moves the meeting (through the console too); the notification comes down the
  // open stream. A console that buffered the answer would never pass it on: the stream does not end.
  await ok('PATCH', `/api/scheduling/v1/meetings/${meeting.id}`, { start: '2026-05-11T12:00:00+03:00', end: '2026-05-11T13:00:00+03:00' }, officer, meeting.version);
  const changed = Date.now();
  let event = await nextEvent(reader, buffered, 'notification');
  // The booking's own notification may come first; the move's follows it.
  while (!/rescheduled/.test(event.data)) event = await nextEvent(reader, buffered, 'notification');
  console.log(`forwarded stream: the move's notification arrived ${Date.now() - changed} ms after the change was answered (goal < 1000 ms)`);
  const n = JSON.parse(event.data) as { id: string; member_id: string; kind: string; subject: string };
  expect(n.member_id).toBe(member.id);
  expect(n.kind).toBe('meeting.rescheduled');
  expect(n.subject).toBe(`meeting/${meeting.id}`);
  expect(event.id).toBe(n.id);
  await reader.cancel();

  // A stream opened without a ticket or token is refused as the service says (401 problem).
  const refused = await fetch(`${fwd}/api/notifications/v1/inbox/stream`, { headers: { Accept: 'text/event-stream' } });
  expect(refused.status).toBe(401);
  expect(refused.headers.get('content-type')).toContain('application/problem+json');
});
