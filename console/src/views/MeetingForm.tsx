// Booking or changing a meeting: as the officer fills the form, a dry run lists every conflict
// in words before anything is booked, with free slots for the chosen people and venue.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, get } from '../api/client';
import { meetingKinds, type Conflict, type FreeSlots, type Meeting, type MeetingInput, type Problem } from '../api/types';
import { Field, ProblemView, problemOf } from '../components/ui';
import { useUi } from '../context';
import { formatTime, pick } from '../i18n';
import { fromInput, toInput } from '../tz';
import { describeConflict, memberName, type VisitData } from './data';

export interface Draft {
  start: string; // RFC 3339
  end: string;
  venue_id: string | null;
}

interface Props {
  data: VisitData;
  zone: string;
  meeting: Meeting | null; // null: a new booking
  draft: Draft;
  onDone: (message: string | null) => void;
  onStale: () => Promise<void>;
  onMove?: (meeting: Meeting) => void; // the keyboard's way of dragging
}

type Check = { state: 'idle' | 'checking' | 'clear' } | { state: 'conflicts'; conflicts: Conflict[] } | { state: 'problem'; problem: Problem };

function minutes(start: string, end: string): number {
  return Math.round((Date.parse(end) - Date.parse(start)) / 60000);
}

export function MeetingForm({ data, zone, meeting, draft, onDone, onStale, onMove }: Props) {
  const { t, lang } = useUi();
  const [kind, setKind] = useState<string>(meeting?.kind ?? 'narrow_format');
  const [titleEn, setTitleEn] = useState(meeting?.title.en ?? '');
  const [titleRu, setTitleRu] = useState(meeting?.title.ru ?? '');
  const [start, setStart] = useState(toInput(meeting?.start ?? draft.start, zone));
  const [end, setEnd] = useState(toInput(meeting?.end ?? draft.end, zone));
  const [venue, setVenue] = useState<string>(meeting ? meeting.venue_id ?? '' : draft.venue_id ?? '');
  const [participants, setParticipants] = useState<string[]>(meeting?.participants ?? []);
  const [interpretation, setInterpretation] = useState<string[]>(meeting?.interpretation ?? []);
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const [refused, setRefused] = useState<Check | null>(null);
  const [slots, setSlots] = useState<FreeSlots['slots'] | null>(null);
  const [reason, setReason] = useState('');
  const [cancelProblem, setCancelProblem] = useState<Problem | null>(null);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);

  const languages = [...new Set(['ru', 'en', ...[...data.members.values()].flatMap((m) => m.languages)])];

  const input = (): MeetingInput | null => {
    const s = fromInput(start, zone);
    const e = fromInput(end, zone);
    if (!s || !e) return null;
    const title: Record<string, string> = {};
    if (titleEn) title.en = titleEn;
    if (titleRu) title.ru = titleRu;
    // Members in order of precedence: host delegation first, each roster in its order.
    const ordered = data.delegations.flatMap((d) => (data.rosters.get(d.id) ?? []).map((m) => m.id)).filter((id) => participants.includes(id));
    return { title, kind: kind as MeetingInput['kind'], start: s, end: e, venue_id: venue || null, participants: ordered, interpretation };
  };

  const send = (body: MeetingInput, dryRun: boolean) =>
    meeting
      ? call<unknown>('scheduling', `/v1/meetings/${meeting.id}`, {
          method: 'PATCH',
          body,
          version: meeting.version,
          query: dryRun ? { dry_run: 'true' } : {},
        })
      : call<unknown>('scheduling', `/v1/visits/${data.visit.id}/meetings`, {
          method: 'POST',
          body,
          query: dryRun ? { dry_run: 'true' } : {},
        });

  const outcome = (e: unknown): Check => {
    if (e instanceof ApiError && e.status === 409 && e.problem.conflicts?.length)
      return { state: 'conflicts', conflicts: e.problem.conflicts };
    return { state: 'problem', problem: problemOf(e) };
  };

  // The dry run, 300 ms after the last change.
  useEffect(() => {
    const body = input();
    if (!body) return;
    setCheck({ state: 'checking' });
    const timer = setTimeout(() => {
      const probe = { ...body, title: Object.keys(body.title).length ? body.title : { en: '—' } };
      send(probe, true).then(
        () => setCheck({ state: 'clear' }),
        (e) => setCheck(outcome(e)),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [kind, start, end, venue, participants.join(), interpretation.join(), titleEn, titleRu]);

  // Free slots for the chosen people and venue, on the chosen day.
  useEffect(() => {
    const body = input();
    if (!body || (!body.venue_id && body.participants.length === 0)) return setSlots(null);
    const length = minutes(body.start, body.end);
    if (length <= 0) return setSlots(null);
    const timer = setTimeout(() => {
      get<FreeSlots>('scheduling', `/v1/visits/${data.visit.id}/free-slots`, {
        participants: body.participants.join(',') || undefined,
        venue_id: body.venue_id ?? undefined,
        duration: `PT${length}M`,
        date: start.slice(0, 10),
      }).then(
        (r) => setSlots(r.slots.slice(0, 8)),
        () => setSlots(null),
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [start.slice(0, 10), end, venue, participants.join()]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = input();
    if (!body) return;
    try {
      await send(body, false);
      onDone(t('meeting.booked', { title: pick(body.title, lang) }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        await onStale();
        setRefused({ state: 'problem', problem: { ...err.problem, detail: t('common.stale') } });
      } else setRefused(outcome(err));
    }
  };

  const cancel = async () => {
    if (!meeting) return;
    try {
      await call('scheduling', `/v1/meetings/${meeting.id}/cancel`, { method: 'POST', body: { reason }, version: meeting.version });
      onDone(t('meeting.cancelledDone', { title: pick(meeting.title, lang) }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) await onStale();
      setCancelProblem(err instanceof ApiError && err.status === 412 ? { ...err.problem, detail: t('common.stale') } : problemOf(err));
    }
  };

  const conflictList = (c: Check, heading: string) =>
    c.state === 'conflicts' ? (
      <div class="conflicts" role="alert">
        <p>
          <strong>{heading}</strong>
        </p>
        <ul>
          {c.conflicts.map((x, i) => (
            <li key={i} data-kind={x.kind}>
              {describeConflict(x, data, t, lang, zone)}
            </li>
          ))}
        </ul>
      </div>
    ) : c.state === 'problem' ? (
      <ProblemView problem={c.problem} />
    ) : null;

  const toggle = (list: string[], set: (l: string[]) => void, id: string) =>
    set(list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

  return (
    <form class="card form meeting-form" onSubmit={submit} aria-labelledby="meeting-form-h">
      <h2 id="meeting-form-h">{meeting ? `${t('meeting.edit')}: ${pick(meeting.title, lang)}` : t('meeting.new')}</h2>
      <div class="grid">
        <Field label={t('meeting.kind')}>
          {(id) => (
            <select id={id} name="kind" ref={first} value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
              {meetingKinds.map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('common.titleEn')}>{(id) => <input id={id} name="title_en" value={titleEn} onInput={(e) => setTitleEn((e.target as HTMLInputElement).value)} />}</Field>
        <Field label={t('common.titleRu')}>{(id) => <input id={id} name="title_ru" value={titleRu} onInput={(e) => setTitleRu((e.target as HTMLInputElement).value)} />}</Field>
        <Field label={`${t('meeting.start')} (${zone})`}>
          {(id) => <input id={id} name="start" type="datetime-local" value={start} onInput={(e) => setStart((e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={`${t('meeting.end')} (${zone})`}>
          {(id) => <input id={id} name="end" type="datetime-local" value={end} onInput={(e) => setEnd((e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('meeting.venue')}>
          {(id) => (
            <select id={id} name="venue" value={venue} onChange={(e) => setVenue((e.target as HTMLSelectElement).value)}>
              <option value="">{t('venues.none')}</option>
              {data.venues.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <fieldset class="participants">
        <legend>{t('meeting.participants')}</legend>
        {data.delegations.map((d) => (
          <div key={d.id} class="roster-pick">
            <strong>{pick(d.name, lang)}</strong>
            {(data.rosters.get(d.id) ?? [])
              .filter((m) => m.status === 'active')
              .map((m) => (
                <label key={m.id} class="check">
                  <input type="checkbox" name="participant" value={m.id} checked={participants.includes(m.id)} onChange={() => toggle(participants, setParticipants, m.id)} />
                  {memberName(m, lang)} <span class="muted">· {t(`rank.${m.rank}`)}</span>
                </label>
              ))}
          </div>
        ))}
      </fieldset>
      <fieldset class="inline">
        <legend>{t('meeting.interpretation')}</legend>
        {languages.map((l) => (
          <label key={l} class="check">
            <input type="checkbox" name="interpretation" value={l} checked={interpretation.includes(l)} onChange={() => toggle(interpretation, setInterpretation, l)} />
            {l}
          </label>
        ))}
      </fieldset>
      <div class="check-result" aria-live="polite">
        {check.state === 'checking' && <p class="muted">{t('meeting.check')}</p>}
        {check.state === 'clear' && <p class="ok">{t('meeting.clear')}</p>}
        {conflictList(check, t('meeting.conflicts'))}
      </div>
      {slots && (
        <div class="suggestions">
          <p>{t('meeting.suggestions')}</p>
          {slots.length === 0 ? (
            <p class="muted">{t('meeting.noSuggestions')}</p>
          ) : (
            slots.map((s) => (
              <button
                type="button"
                class="secondary slot"
                key={s.start}
                onClick={() => {
                  const length = minutes(fromInput(start, zone) ?? s.start, fromInput(end, zone) ?? s.end);
                  setStart(toInput(s.start, zone));
                  setEnd(toInput(new Date(Date.parse(s.start) + length * 60000).toISOString(), zone));
                }}
              >
                {formatTime(s.start, lang, zone)}–{formatTime(s.end, lang, zone)}
              </button>
            ))
          )}
        </div>
      )}
      {refused && conflictList(refused, t('meeting.refused'))}
      <div class="actions">
        <button type="submit">{meeting ? t('common.save') : t('meeting.book')}</button>
        {meeting && meeting.status === 'scheduled' && onMove && (
          <button type="button" class="secondary" onClick={() => onMove(meeting)}>
            {t('move.open')}
          </button>
        )}
        <button type="button" class="secondary" onClick={() => onDone(null)}>
          {t('common.close')}
        </button>
      </div>
      {meeting && meeting.status === 'scheduled' && (
        <div class="cancel-box">
          <Field label={t('meeting.cancelReason')}>
            {(id) => <input id={id} name="cancel_reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />}
          </Field>
          <button type="button" class="danger" onClick={() => void cancel()} disabled={!reason.trim()}>
            {t('meeting.cancelMeeting')}
          </button>
          <ProblemView problem={cancelProblem} />
        </div>
      )}
    </form>
  );
}
