// What the visit's screens load together, and the words for scheduling conflicts.
import { useEffect, useRef, useState } from 'preact/hooks';
import { all, get, onConnection } from '../api/client';
import type { Conflict, Delegation, Meeting, Member, Problem, Venue, Visit } from '../api/types';
import { problemOf } from '../components/ui';
import { formatDateTime, formatDay, formatTime, pick, type Translate } from '../i18n';
import { followVisit } from '../live';

export interface VisitData {
  visit: Visit;
  venues: Venue[];
  meetings: Meeting[];
  delegations: Delegation[]; // host first
  rosters: Map<string, Member[]>; // delegation id → members in order of precedence
  members: Map<string, Member>;
}

async function load(visitId: string): Promise<VisitData> {
  const [visit, venues, meetings, delegations] = await Promise.all([
    get<Visit>('scheduling', `/v1/visits/${visitId}`),
    all<Venue>('scheduling', '/v1/venues'),
    all<Meeting>('scheduling', `/v1/visits/${visitId}/meetings`),
    all<Delegation>('delegations', '/v1/delegations', { visit_id: visitId }),
  ]);
  delegations.sort((a, b) => (a.side === b.side ? 0 : a.side === 'host' ? -1 : 1));
  const rosters = new Map<string, Member[]>();
  const members = new Map<string, Member>();
  await Promise.all(
    delegations.map(async (d) => {
      const roster = await all<Member>('delegations', `/v1/delegations/${d.id}/members`);
      rosters.set(d.id, roster);
      for (const m of roster) members.set(m.id, m);
    }),
  );
  return { visit, venues, meetings, delegations, rosters, members };
}

// The visit's data, reloaded whenever the change stream says something of the visit changed
// (another officer's booking, a document's step), so open screens follow within a second.
export function useVisitData(visitId: string): {
  data: VisitData | null;
  problem: Problem | null;
  reload: () => Promise<void>;
  live: boolean;
} {
  const [data, setData] = useState<VisitData | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [live, setLive] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const reload = async () => {
    try {
      setData(await load(visitId));
      setProblem(null);
    } catch (e) {
      setProblem(problemOf(e));
    }
  };
  // Back from an outage (the banner clears): reload what the screen shows.
  useEffect(() => {
    let down = false;
    return onConnection((service) => {
      if (service) down = true;
      else if (down) {
        down = false;
        void reload();
      }
    });
  }, [visitId]);
  useEffect(() => {
    void reload();
    return followVisit(
      visitId,
      () => {
        clearTimeout(timer.current);
        timer.current = window.setTimeout(() => void reload(), 100);
      },
      (on) => {
        setLive(on);
        if (on) void reload(); // (re)connected: catch up on what was missed
      },
    );
  }, [visitId]);
  return { data, problem, reload, live };
}

export function memberName(m: Member | undefined, lang: string): string {
  return m ? pick(m.full_name, lang) : '?';
}

// A conflict in words, in the interface's language, naming the venue, meeting and people.
export function describeConflict(c: Conflict, data: VisitData, t: Translate, lang: string, zone: string): string {
  const meeting = c.meeting_id ? data.meetings.find((m) => m.id === c.meeting_id) : undefined;
  const venueId = c.venue_id ?? meeting?.venue_id ?? undefined;
  const venue = data.venues.find((v) => v.id === venueId)?.name ?? t('venues.none');
  const member = c.member_id ? memberName(data.members.get(c.member_id), lang) : '';
  const start = c.start ?? meeting?.start;
  const end = c.end ?? meeting?.end;
  const time = start && end ? `${formatDateTime(start, lang, zone)}–${formatTime(end, lang, zone)}` : '';
  const params = {
    venue,
    meeting: meeting ? pick(meeting.title, lang) : '?',
    member,
    time,
    buffer: c.buffer_minutes ?? 0,
    capacity: c.capacity ?? 0,
    count: c.count ?? c.participants ?? 0,
    max: c.max ?? 0,
    from: c.starts_on ? formatDay(c.starts_on, lang) : '',
    to: c.ends_on ? formatDay(c.ends_on, lang) : '',
    format: c.format ? t(`kind.${c.format}` as 'kind.narrow_format') : '',
    side: c.side ? t(`side.${c.side}`) : '',
  };
  switch (c.kind) {
    case 'venue_booked':
      return t(c.buffer_minutes ? 'conflict.venue_booked_buffer' : 'conflict.venue_booked', params);
    case 'format_violation':
      return c.rule ? t(`conflict.format.${c.rule}`, params) : c.message;
    case 'participant_double_booked':
    case 'outside_visit_dates':
    case 'venue_over_capacity':
    case 'unknown_participant':
    case 'withdrawn_participant':
    case 'participant_not_in_visit':
      return t(`conflict.${c.kind}`, params);
    default:
      return c.message;
  }
}
