// Moving or resizing a meeting without a mouse: the keyboard's way of dragging. Buttons move the
// meeting earlier or later and make it shorter or longer by a step; the start, end and venue
// can be typed too. As with dragging and the booking form, a dry run lists every conflict in
// words before anything moves.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call } from '../api/client';
import type { Conflict, Meeting, Problem } from '../api/types';
import { Field, ProblemView, problemOf } from '../components/ui';
import { useUi } from '../context';
import { formatDateTime, formatTime, pick } from '../i18n';
import { fromInput, toInput } from '../tz';
import { describeConflict, type VisitData } from './data';

interface Props {
  data: VisitData;
  zone: string;
  meeting: Meeting;
  onDone: (message: string | null) => void;
  onStale: () => Promise<void>;
}

type Check = { state: 'checking' | 'clear' | 'unchanged' } | { state: 'conflicts'; conflicts: Conflict[] } | { state: 'problem'; problem: Problem };

const steps = [5, 15, 30, 60];

// "Sep 28, 11:30–12:30", the day named once when both ends fall on it.
function span(start: string, end: string, lang: string, zone: string): string {
  const sameDay = toInput(start, zone).slice(0, 10) === toInput(end, zone).slice(0, 10);
  return `${formatDateTime(start, lang, zone)}–${sameDay ? formatTime(end, lang, zone) : formatDateTime(end, lang, zone)}`;
}

function shift(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60000).toISOString();
}

export function MoveForm({ data, zone, meeting, onDone, onStale }: Props) {
  const { t, lang } = useUi();
  const [start, setStart] = useState(meeting.start);
  const [end, setEnd] = useState(meeting.end);
  const [venue, setVenue] = useState(meeting.venue_id ?? '');
  const [step, setStep] = useState(30);
  const [check, setCheck] = useState<Check>({ state: 'unchanged' });
  const [refused, setRefused] = useState<Check | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const title = pick(meeting.title, lang);

  const body = () => ({ start, end, venue_id: venue || null });
  const unchanged = Date.parse(start) === Date.parse(meeting.start) && Date.parse(end) === Date.parse(meeting.end) && venue === (meeting.venue_id ?? '');
  const patch = (dryRun: boolean) =>
    call('scheduling', `/v1/meetings/${meeting.id}`, { method: 'PATCH', body: body(), version: meeting.version, query: dryRun ? { dry_run: 'true' } : {} });
  const outcome = (e: unknown): Check =>
    e instanceof ApiError && e.status === 409 && e.problem.conflicts?.length ? { state: 'conflicts', conflicts: e.problem.conflicts } : { state: 'problem', problem: problemOf(e) };

  // The dry run, 300 ms after the last change: the same check as dragging.
  useEffect(() => {
    setRefused(null);
    if (unchanged) return setCheck({ state: 'unchanged' });
    setCheck({ state: 'checking' });
    const timer = setTimeout(() => patch(true).then(() => setCheck({ state: 'clear' }), (e) => setCheck(outcome(e))), 300);
    return () => clearTimeout(timer);
  }, [start, end, venue]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (unchanged) return onDone(null);
    try {
      await patch(true);
      await patch(false);
      onDone(t('programme.moved', { title }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        await onStale();
        setRefused({ state: 'problem', problem: { ...err.problem, detail: t('common.stale') } });
      } else setRefused(outcome(err));
    }
  };

  const length = Math.round((Date.parse(end) - Date.parse(start)) / 60000);
  const conflictList = (c: Check | null, headingText: string) =>
    c?.state === 'conflicts' ? (
      <div class="conflicts" role="alert">
        <p>
          <strong>{headingText}</strong>
        </p>
        <ul>
          {c.conflicts.map((x, i) => (
            <li key={i} data-kind={x.kind}>
              {describeConflict(x, data, t, lang, zone)}
            </li>
          ))}
        </ul>
      </div>
    ) : c?.state === 'problem' ? (
      <ProblemView problem={c.problem} />
    ) : null;

  return (
    <form class="card form move-form" onSubmit={submit} aria-labelledby="move-form-h">
      <h2 id="move-form-h" tabIndex={-1} ref={heading}>
        {t('move.title', { title })}
      </h2>
      <p class="muted">
        {t('move.now', { when: span(meeting.start, meeting.end, lang, zone) })}
      </p>
      <div class="nudges" role="group" aria-label={t('move.by')}>
        <label>
          {t('move.step')}{' '}
          <select name="step" value={String(step)} onChange={(e) => setStep(Number((e.target as HTMLSelectElement).value))}>
            {steps.map((s) => (
              <option key={s} value={String(s)}>
                {t('move.minutes', { n: s })}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="secondary" onClick={() => (setStart(shift(start, -step)), setEnd(shift(end, -step)))}>
          {t('move.earlier')}
        </button>
        <button type="button" class="secondary" onClick={() => (setStart(shift(start, step)), setEnd(shift(end, step)))}>
          {t('move.later')}
        </button>
        <button type="button" class="secondary" disabled={length <= step} onClick={() => setEnd(shift(end, -step))}>
          {t('move.shorter')}
        </button>
        <button type="button" class="secondary" onClick={() => setEnd(shift(end, step))}>
          {t('move.longer')}
        </button>
      </div>
      <div class="grid">
        <Field label={`${t('meeting.start')} (${zone})`}>
          {(id) => (
            <input id={id} name="move_start" type="datetime-local" value={toInput(start, zone)}
              onInput={(e) => {
                const s = fromInput((e.target as HTMLInputElement).value, zone);
                if (s) (setEnd(shift(s, length)), setStart(s));
              }} />
          )}
        </Field>
        <Field label={`${t('meeting.end')} (${zone})`}>
          {(id) => (
            <input id={id} name="move_end" type="datetime-local" value={toInput(end, zone)}
              onInput={(e) => {
                const s = fromInput((e.target as HTMLInputElement).value, zone);
                if (s) setEnd(s);
              }} />
          )}
        </Field>
        <Field label={t('meeting.venue')}>
          {(id) => (
            <select id={id} name="move_venue" value={venue} onChange={(e) => setVenue((e.target as HTMLSelectElement).value)}>
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
      <div class="check-result" aria-live="polite">
        <p>
          {t('move.to', { when: span(start, end, lang, zone), minutes: length })}
        </p>
        {check.state === 'checking' && <p class="muted">{t('meeting.check')}</p>}
        {check.state === 'clear' && <p class="ok">{t('move.clear')}</p>}
        {conflictList(check, t('move.conflicts'))}
      </div>
      {conflictList(refused, t('programme.moveRefused', { title }))}
      <div class="actions">
        <button type="submit" disabled={unchanged}>
          {t('move.submit')}
        </button>
        <button type="button" class="secondary" onClick={() => onDone(null)}>
          {t('common.close')}
        </button>
      </div>
    </form>
  );
}
