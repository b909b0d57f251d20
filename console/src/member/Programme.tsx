// My programme: the meetings the member attends, day by day, in their own zone with the
// visit's zone beside it, in their language, with venue and fellow participants. The last
// programme loaded is kept on this device and shown, marked, when Concord cannot be reached.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from '../api/client';
import type { Problem, Programme, ProgrammeItem } from '../api/types';
import { ProblemView, problemOf } from '../components/ui';
import { useUi } from '../context';
import { formatDateTime, formatDay, formatTime, pick } from '../i18n';
import { useMember, zoneCity } from './context';
import { load, save } from './store';

interface Kept {
  programme: Programme;
  saved_at: string;
}

type Scope = 'mine' | 'all';

export function MemberProgramme({ highlight }: { highlight?: string | undefined }) {
  const { t, lang } = useUi();
  const { me, zone } = useMember();
  const [scope, setScope] = useState<Scope>('mine');
  const [programme, setProgramme] = useState<Programme | null>(null);
  const [offlineSince, setOfflineSince] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const key = `programme:${me.id}:${scope}`;

  useEffect(() => {
    let cancelled = false;
    setProblem(null);
    get<Programme>('scheduling', `/v1/visits/${me.visit_id}/programme`, {
      tz: zone,
      lang,
      member_id: scope === 'mine' ? me.id : undefined,
    })
      .then((p) => {
        if (cancelled) return;
        setProgramme(p);
        setOfflineSince(null);
        void save('programmes', key, { programme: p, saved_at: new Date().toISOString() } satisfies Kept).catch(() => undefined);
      })
      .catch(async (e: unknown) => {
        if (cancelled) return;
        const unreachable = !(e instanceof ApiError) || e.status === 0 || e.status >= 500;
        const kept = unreachable ? await load<Kept>('programmes', key).catch(() => undefined) : undefined;
        if (cancelled) return;
        if (kept) {
          setProgramme(kept.programme);
          setOfflineSince(kept.saved_at);
        } else setProblem(problemOf(e));
      });
    return () => {
      cancelled = true;
    };
  }, [me.id, me.visit_id, zone, lang, scope]);

  useEffect(() => {
    if (highlight && programme) document.getElementById(`meeting-${highlight}`)?.scrollIntoView({ block: 'center' });
  }, [highlight, programme]);

  const visitZone = programme?.visit.time_zone ?? zone;
  const sameZone = visitZone === zone;
  return (
    <section aria-labelledby="programme-title">
      <h1 id="programme-title">
        {t('member.programme.title')}
        {programme && <span class="subtitle">{pick(programme.visit.title, lang)}</span>}
      </h1>
      {offlineSince && (
        <p class="offline-copy" role="status">
          {t('member.programme.offline', { at: formatDateTime(offlineSince, lang, zone) })}
        </p>
      )}
      <div class="scope" role="group" aria-label={t('member.programme.scope')}>
        <button type="button" class={scope === 'mine' ? '' : 'secondary'} aria-pressed={scope === 'mine'} onClick={() => setScope('mine')}>
          {t('member.programme.mine')}
        </button>
        <button type="button" class={scope === 'all' ? '' : 'secondary'} aria-pressed={scope === 'all'} onClick={() => setScope('all')}>
          {t('member.programme.all')}
        </button>
      </div>
      <p class="muted zones">
        {sameZone
          ? t('member.programme.zoneOne', { zone: zoneCity(zone, lang) })
          : t('member.programme.zones', { mine: zoneCity(zone, lang), visit: zoneCity(visitZone, lang) })}
      </p>
      <ProblemView problem={problem} />
      {!programme && !problem && <p role="status">{t('common.loading')}</p>}
      {programme && programme.days.every((d) => d.items.length === 0) && <p>{t('member.programme.empty')}</p>}
      {programme?.days
        .filter((d) => d.items.length > 0)
        .map((d) => (
          <section key={d.date} class="day" aria-label={formatDay(d.date, lang)}>
            <h2>{formatDay(d.date, lang)}</h2>
            <ol class="meetings">
              {d.items.map((m) => (
                <MeetingCard key={m.meeting_id} m={m} zone={zone} visitZone={visitZone} highlighted={m.meeting_id === highlight} />
              ))}
            </ol>
          </section>
        ))}
    </section>
  );
}

function MeetingCard({ m, zone, visitZone, highlighted }: { m: ProgrammeItem; zone: string; visitZone: string; highlighted: boolean }) {
  const { t, lang } = useUi();
  const { me } = useMember();
  const time = (z: string) => `${formatTime(m.start, lang, z)}–${formatTime(m.end, lang, z)}`;
  const others = m.participants.filter((p) => p.id !== me.id);
  return (
    <li class={`meeting-card${highlighted ? ' highlighted' : ''}`} id={`meeting-${m.meeting_id}`}>
      <div class="when">
        <span class="mine-time">{time(zone)}</span>
        {visitZone !== zone && (
          <span class="visit-time">
            {zoneCity(visitZone, lang)} {time(visitZone)}
          </span>
        )}
      </div>
      <h3>{pick(m.title, lang)}</h3>
      <p class="muted">
        {t(`kind.${m.kind}`)}
        {m.venue?.name ? ` · ${m.venue.name}${m.venue.city ? `, ${m.venue.city}` : ''}` : ''}
      </p>
      {m.venue?.address && <p class="muted">{m.venue.address}</p>}
      {others.length > 0 && (
        <details>
          <summary>{t('member.programme.with', { n: others.length })}</summary>
          <ul class="people">
            {others.map((p) => (
              <li key={p.id}>
                {p.known === false ? t('member.programme.unknownPerson') : pick(p.full_name, lang)}
                {p.position && <span class="muted"> — {pick(p.position, lang)}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
      {m.interpretation.length > 0 && (
        <p class="muted">{t('member.programme.interpretation', { langs: m.interpretation.join(', ') })}</p>
      )}
    </li>
  );
}
