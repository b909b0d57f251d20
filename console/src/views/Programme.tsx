// The programme: the visit's days, one column per venue, in the visit's zone or any other
// (the guest's first); select a slot to book, drag to move or resize — with the same check.
import { createCalendar, destroyCalendar, Interaction, ResourceTimeGrid, type Calendar } from '@event-calendar/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call } from '../api/client';
import type { Conflict, Meeting } from '../api/types';
import { ProblemView, Status, problemOf } from '../components/ui';
import { useUi } from '../context';
import { formatDateTime, formatTime, pick, type Translate } from '../i18n';
import { allZones, fromWall, toWall, wallDate } from '../tz';
import { describeConflict, memberName, useVisitData, type VisitData } from './data';
import { MeetingForm, type Draft } from './MeetingForm';
import { MoveForm } from './MoveForm';

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Table-only ARIA attributes the calendar sets, meaningless once it is no longer a table.
const tableAttributes = ['aria-colindex', 'aria-colspan', 'aria-rowindex', 'aria-rowspan', 'aria-colcount', 'aria-rowcount'];

function days(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000) + 1;
}

// The guest delegation's head's zone, else any guest member's.
function guestZone(data: VisitData): string | null {
  const guest = data.delegations.find((d) => d.side === 'guest');
  if (!guest) return null;
  const roster = data.rosters.get(guest.id) ?? [];
  return (roster.find((m) => m.is_head) ?? roster[0])?.time_zone ?? null;
}

// How much a meeting's box holds, by its length (a half hour is 34 px): up to 30 minutes, the
// title and the time on a line each; up to 75 minutes, the kind on one line, the title on at
// most two and the time; longer, the people too. Every line that does not fit ends in an
// ellipsis instead of being cut through; the whole text is the box's tooltip.
type BoxSize = 'short' | 'medium' | 'long';
function boxSize(m: Meeting): BoxSize {
  const minutes = (Date.parse(m.end) - Date.parse(m.start)) / 60000;
  return minutes <= 30 ? 'short' : minutes <= 75 ? 'medium' : 'long';
}

// A meeting in words: kind, title, time, venue and people (the box's tooltip and accessible name).
function describeMeeting(m: Meeting, at: { data: VisitData | null; lang: string; zone: string; t: Translate }): string {
  const { data: d, lang: l, zone: z, t: tr } = at;
  const venue = d?.venues.find((v) => v.id === m.venue_id)?.name;
  const people = m.participants.map((id) => memberName(d?.members.get(id), l)).join(', ');
  return [
    tr(`kind.${m.kind}`) + (m.status === 'cancelled' ? ` (${tr('programme.cancelled')})` : ''),
    pick(m.title, l),
    `${formatTime(m.start, l, z)}–${formatTime(m.end, l, z)}`,
    venue,
    people,
  ]
    .filter(Boolean)
    .join(' · ');
}

interface Notice {
  text: string;
  conflicts?: Conflict[];
  problem?: ReturnType<typeof problemOf>;
}

export function ProgrammeView({ visitId }: { visitId: string }) {
  const { t, lang } = useUi();
  const { data, problem, reload, live } = useVisitData(visitId);
  const [zone, setZone] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ meeting: Meeting | null; draft: Draft; move?: boolean } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const calendar = useRef<Calendar | null>(null);
  // The calendar's callbacks are made once; they read the latest state through this.
  const latest = useRef({ data, zone: zone ?? 'UTC', lang, t });
  const shownZone = zone ?? data?.visit.time_zone ?? 'UTC';
  latest.current = { data, zone: shownZone, lang, t };

  const move = async (meeting: Meeting, start: Date, end: Date, venueId: string | undefined, revert: () => void) => {
    const { zone: z, data: d } = latest.current;
    const body: Record<string, unknown> = { start: fromWall(start, z), end: fromWall(end, z) };
    if (venueId !== undefined) body.venue_id = venueId === 'none' ? null : venueId;
    const title = pick(meeting.title, latest.current.lang);
    try {
      // The same check as the form: a dry run first, so nothing moves if anything conflicts.
      await call('scheduling', `/v1/meetings/${meeting.id}`, { method: 'PATCH', body, version: meeting.version, query: { dry_run: 'true' } });
      await call('scheduling', `/v1/meetings/${meeting.id}`, { method: 'PATCH', body, version: meeting.version });
      setNotice({ text: t('programme.moved', { title }) });
      await reload();
    } catch (e) {
      revert();
      if (e instanceof ApiError && e.status === 409 && e.problem.conflicts?.length && d)
        setNotice({ text: t('programme.moveRefused', { title }), conflicts: e.problem.conflicts });
      else if (e instanceof ApiError && e.status === 412) {
        await reload();
        setNotice({ text: t('common.stale') });
      } else setNotice({ text: t('programme.moveRefused', { title }), problem: problemOf(e) });
    }
  };

  // What the calendar shows, from the data, the zone and the language.
  const view = (d: VisitData) => {
    const z = shownZone;
    const used = new Set(d.meetings.map((m) => m.venue_id ?? 'none'));
    const resources = d.venues.map((v) => ({ id: v.id, title: v.name }));
    if (used.has('none') || d.venues.length === 0) resources.push({ id: 'none', title: t('venues.none') });
    return {
      locale: lang,
      resources,
      date: wallDate(toWall(`${d.visit.starts_on}T12:00:00Z`, 'UTC')),
      duration: { days: days(d.visit.starts_on, d.visit.ends_on) + (z === d.visit.time_zone ? 0 : 1) },
      events: d.meetings.map((m) => ({
        id: m.id,
        resourceIds: [m.venue_id ?? 'none'],
        start: toWall(m.start, z),
        end: toWall(m.end, z),
        title: pick(m.title, lang),
        editable: m.status === 'scheduled',
        classNames: [`kind-${m.kind}`, m.status === 'cancelled' ? 'cancelled' : 'scheduled'],
        extendedProps: { meeting: m },
      })),
    };
  };
  // Which (data, zone, language) the calendar shows, so that it is drawn once for each.
  const shown = useRef<unknown[]>([]);

  // Made once the data is there, with all of it: one drawing instead of an empty grid redrawn.
  useEffect(() => {
    if (!host.current || !data) return;
    shown.current = [data, shownZone, lang];
    calendar.current = createCalendar(host.current, [ResourceTimeGrid, Interaction], {
      ...view(data),
      view: 'resourceTimeGridDay',
      headerToolbar: { start: '', center: '', end: '' },
      allDaySlot: false,
      datesAboveResources: true,
      editable: true,
      selectable: true,
      slotMinTime: '07:00',
      slotMaxTime: '23:00',
      slotDuration: '00:30',
      slotHeight: 34,
      snapDuration: '00:05',
      height: 'auto',
      nowIndicator: false,
      slotLabelFormat: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      eventTimeFormat: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      select: (info) => {
        const z = latest.current.zone;
        setNotice(null);
        setEditing({
          meeting: null,
          draft: { start: fromWall(info.start, z), end: fromWall(info.end, z), venue_id: info.resource?.id === 'none' ? null : String(info.resource?.id ?? '') || null },
        });
        calendar.current?.unselect();
      },
      eventClick: (info) => {
        const meeting = info.event.extendedProps.meeting as Meeting;
        setNotice(null);
        setEditing({ meeting, draft: { start: meeting.start, end: meeting.end, venue_id: meeting.venue_id } });
      },
      eventDrop: (info) =>
        void move(info.event.extendedProps.meeting as Meeting, info.event.start, info.event.end, info.newResource ? String(info.newResource.id) : undefined, info.revert),
      eventResize: (info) => void move(info.event.extendedProps.meeting as Meeting, info.event.start, info.event.end, undefined, info.revert),
      eventContent: (info) => {
        const m = info.event.extendedProps.meeting as Meeting;
        const { data: d, lang: l, zone: z, t: tr } = latest.current;
        const people = m.participants.map((id) => escape(memberName(d?.members.get(id), l))).join(', ');
        const venue = d?.venues.find((v) => v.id === m.venue_id)?.name ?? '';
        const kind = `${escape(tr(`kind.${m.kind}`))}${m.status === 'cancelled' ? ` · ${escape(tr('programme.cancelled'))}` : ''}`;
        const time = `${escape(formatTime(m.start, l, z))}–${escape(formatTime(m.end, l, z))}`;
        const title = escape(pick(m.title, l));
        const size = boxSize(m);
        if (size === 'short')
          return { html: `<div class="ev-line ev-title">${title}</div><div class="ev-line ev-time">${time} · ${escape(venue)}</div>` };
        return {
          html:
            `<div class="ev-line ev-kind">${kind}</div>` +
            `<div class="ev-clamp ev-title">${title}</div>` +
            `<div class="ev-line ev-time">${time} · ${escape(venue)}</div>` +
            (size === 'long' ? `<div class="ev-clamp ev-people">${people}</div>` : ''),
        };
      },
      eventDidMount: (info) => {
        const m = info.event.extendedProps.meeting as Meeting;
        const text = describeMeeting(m, latest.current);
        info.el.title = text;
        info.el.setAttribute('aria-label', text);
      },
    });
    // The calendar marks itself up as a table whose rows hold meetings as buttons, which no
    // table may contain: to assistive technology it is a region of buttons instead, each
    // meeting's button naming its kind, title, time, venue and people (and "Meetings as a
    // list" below is the same programme as a list).
    const tidy = () => {
      const root = host.current?.querySelector('.ec');
      if (!root) return;
      if (root.getAttribute('role') !== 'region') {
        root.setAttribute('role', 'region');
        root.setAttribute('aria-label', latest.current.t('programme.title'));
      }
      root
        .querySelectorAll('[role=row],[role=rowgroup],[role=columnheader],[role=rowheader],[role=cell],[role=table]')
        .forEach((e) => e.setAttribute('role', 'presentation'));
      root.querySelectorAll('aside:not([aria-hidden])').forEach((a) => a.setAttribute('aria-hidden', 'true'));
      for (const attr of tableAttributes)
        root.querySelectorAll(`[${attr}]`).forEach((e) => e.removeAttribute(attr));
    };
    const observer = new MutationObserver(tidy);
    observer.observe(host.current, { subtree: true, childList: true, attributes: true, attributeFilter: ['role', ...tableAttributes] });
    tidy();
    return () => {
      observer.disconnect();
      if (calendar.current) void destroyCalendar(calendar.current);
      calendar.current = null;
    };
  }, [host.current, data === null]);

  useEffect(() => {
    const c = calendar.current;
    if (!c || !data) return;
    const key = [data, shownZone, lang];
    if (key.every((k, i) => k === shown.current[i])) return;
    shown.current = key;
    const v = view(data);
    c.setOption('locale', v.locale);
    c.setOption('resources', v.resources);
    c.setOption('date', v.date);
    c.setOption('duration', v.duration);
    c.setOption('events', v.events);
  }, [data, shownZone, lang, calendar.current]);

  if (problem && !data) return <ProblemView problem={problem} />;
  const gz = data ? guestZone(data) : null;
  const zones = data ? [...new Set([data.visit.time_zone, ...(gz ? [gz] : []), ...allZones()])] : [];
  return (
    <div class="page programme">
      <div class="page-head">
        <h1>
          {t('programme.title')}
          {data && <span class="subtitle">{pick(data.visit.title, lang)}</span>}
        </h1>
        <span class={`live ${live ? 'on' : 'off'}`} aria-label={t('programme.live')} title={t('programme.live')}>
          ● {t('programme.live')}
        </span>
      </div>
      {data && (
        <div class="toolbar">
          <label>
            {t('programme.zone')}{' '}
            <select name="zone" value={shownZone} onChange={(e) => setZone((e.target as HTMLSelectElement).value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z === data.visit.time_zone ? t('programme.zoneVisit', { zone: z }) : z === gz ? t('programme.zoneGuest', { zone: z }) : z}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => setEditing({ meeting: null, draft: { start: `${data.visit.starts_on}T07:00:00Z`, end: `${data.visit.starts_on}T08:00:00Z`, venue_id: data.venues[0]?.id ?? null } })}
          >
            {t('meeting.new')}
          </button>
          <span class="muted hint">{t('programme.hint')}</span>
        </div>
      )}
      <ProblemView problem={problem} />
      {notice && (
        <div class={notice.conflicts || notice.problem ? 'conflicts' : 'notice'} role={notice.conflicts || notice.problem ? 'alert' : 'status'}>
          <p>
            <strong>{notice.text}</strong>
          </p>
          {notice.conflicts && data && (
            <ul>
              {notice.conflicts.map((c, i) => (
                <li key={i}>{describeConflict(c, data, t, lang, shownZone)}</li>
              ))}
            </ul>
          )}
          {notice.problem && <ProblemView problem={notice.problem} />}
        </div>
      )}
      {editing?.move && editing.meeting && data && (
        <MoveForm
          key={`move-${editing.meeting.id}`}
          data={data}
          zone={shownZone}
          meeting={editing.meeting}
          onStale={reload}
          onDone={(message) => {
            setEditing(null);
            if (message) setNotice({ text: message });
            void reload();
          }}
        />
      )}
      {editing && !editing.move && data && (
        <MeetingForm
          key={editing.meeting?.id ?? `${editing.draft.start}|${editing.draft.venue_id}`}
          data={data}
          zone={shownZone}
          meeting={editing.meeting}
          draft={editing.draft}
          onStale={reload}
          onMove={(m) => setEditing({ meeting: m, draft: { start: m.start, end: m.end, venue_id: m.venue_id }, move: true })}
          onDone={(message) => {
            setEditing(null);
            if (message) setNotice({ text: message });
            void reload();
          }}
        />
      )}
      <div class="calendar" ref={host} data-testid="calendar" />
      {data && (
        <details class="meeting-list">
          <summary>{t('programme.list')}</summary>
          <ul>
            {data.meetings.map((m) => (
              <li key={m.id} class={m.status}>
                <button type="button" class="link" onClick={() => setEditing({ meeting: m, draft: { start: m.start, end: m.end, venue_id: m.venue_id } })}>
                  {formatDateTime(m.start, lang, shownZone)} · {t(`kind.${m.kind}`)} · {pick(m.title, lang)}
                  {m.status === 'cancelled' ? ` (${t('programme.cancelled')})` : ''}
                </button>
                {m.status === 'scheduled' && (
                  <button type="button" class="link" aria-label={`${t('move.open')}: ${pick(m.title, lang)}`}
                    onClick={() => setEditing({ meeting: m, draft: { start: m.start, end: m.end, venue_id: m.venue_id }, move: true })}>
                    {t('move.open')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
      <Status text="" />
    </div>
  );
}
