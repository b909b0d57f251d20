// Preferences, as the APIs allow: language, time zone and channels on the member's own record
// (delegations' member PATCH); quiet hours on the notifications service (PUT /v1/preferences),
// the only place they live. The device's signing key is registered here too, and calendar
// subscriptions to the member's programme are made and revoked.
import { useEffect, useState } from 'preact/hooks';
import { call, get } from '../api/client';
import type { MemberSelf, Preferences, Problem } from '../api/types';
import { Field, ProblemView, Status, problemOf } from '../components/ui';
import { useUi } from '../context';
import { languages } from '../i18n';
import { allZones } from '../tz';
import { useMember } from './context';
import { CalendarFeedsCard } from './CalendarFeeds';
import { DeviceKeyCard } from './DeviceKey';

const channels = ['inbox', 'stream', 'email', 'sms'] as const;
type Channel = (typeof channels)[number];

export function MemberPreferences() {
  const { t } = useUi();
  const { me, setMe } = useMember();
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [language, setLanguage] = useState(me.notifications?.language ?? me.languages[0] ?? 'en');
  const [zone, setZone] = useState(me.time_zone);
  const [chosen, setChosen] = useState<Channel[]>(((me.notifications?.channels ?? ['inbox', 'stream']) as Channel[]).filter((c) => channels.includes(c)));
  const [quiet, setQuiet] = useState(false);
  const [start, setStart] = useState('22:00');
  const [end, setEnd] = useState('07:00');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [status, setStatus] = useState('');

  useEffect(() => {
    get<Preferences>('notifications', '/v1/preferences')
      .then((p) => {
        setPrefs(p);
        if (p.quiet_hours) {
          setQuiet(true);
          setStart(p.quiet_hours.start);
          setEnd(p.quiet_hours.end);
        }
        // Live delivery is the notifications service's to decide: on unless its channels leave
        // `stream` out.
        const live = !p.channels || p.channels.includes('stream');
        setChosen((old) => [...old.filter((c) => c !== 'stream'), ...(live ? (['stream'] as Channel[]) : [])]);
      })
      .catch((e: unknown) => setProblem(problemOf(e)));
  }, [me.id]);

  const toggle = (c: Channel, on: boolean) => setChosen((old) => (on ? [...new Set([...old, c])] : old.filter((x) => x !== c)));
  const save = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setStatus('');
    try {
      const withInbox = [...new Set<Channel>(['inbox', ...chosen])];
      const member = await call<MemberSelf>('delegations', `/v1/members/${me.id}`, {
        method: 'PATCH',
        body: { time_zone: zone, notifications: { language, channels: withInbox } },
        version: me.version,
      });
      const reply = await call<Preferences>('notifications', '/v1/preferences', {
        method: 'PUT',
        body: {
          language: null,
          time_zone: null,
          channels: withInbox.filter((c) => c === 'inbox' || c === 'stream'),
          quiet_hours: quiet ? { start, end } : null,
        },
        version: prefs?.version ?? 0,
      });
      setPrefs(reply.body);
      setMe(member.body);
      setStatus(t('member.prefs.saved'));
    } catch (err) {
      setProblem(problemOf(err));
    }
  };

  return (
    <section aria-labelledby="prefs-title">
      <h1 id="prefs-title">{t('member.prefs.title')}</h1>
      <form class="card form" onSubmit={save} aria-labelledby="prefs-title">
        <Field label={t('member.prefs.language')}>
          {(id) => (
            <select id={id} value={language} onChange={(e) => setLanguage((e.target as HTMLSelectElement).value)}>
              {[...new Set([...Object.keys(languages), ...me.languages])].map((l) => (
                <option key={l} value={l}>
                  {languages[l]?.name ?? l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('member.prefs.zone')}>
          {(id) => (
            <select id={id} value={zone} onChange={(e) => setZone((e.target as HTMLSelectElement).value)}>
              {[...new Set([me.time_zone, ...allZones()])].map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset>
          <legend>{t('member.prefs.channels')}</legend>
          {channels.map((c) => (
            <label class="check" key={c}>
              <input
                type="checkbox"
                checked={c === 'inbox' || chosen.includes(c)}
                disabled={c === 'inbox'}
                onChange={(e) => toggle(c, (e.target as HTMLInputElement).checked)}
              />
              {t(`member.channel.${c}`)}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('member.prefs.quiet')}</legend>
          <label class="check">
            <input type="checkbox" checked={quiet} onChange={(e) => setQuiet((e.target as HTMLInputElement).checked)} />
            {t('member.prefs.quietOn')}
          </label>
          {quiet && (
            <div class="quiet">
              <Field label={t('member.prefs.quietStart')}>
                {(id) => <input id={id} type="time" value={start} onInput={(e) => setStart((e.target as HTMLInputElement).value)} />}
              </Field>
              <Field label={t('member.prefs.quietEnd')}>
                {(id) => <input id={id} type="time" value={end} onInput={(e) => setEnd((e.target as HTMLInputElement).value)} />}
              </Field>
            </div>
          )}
          <p class="muted">{t('member.prefs.quietHelp')}</p>
        </fieldset>
        <ProblemView problem={problem} />
        <Status text={status} />
        <button type="submit">{t('common.save')}</button>
      </form>
      <DeviceKeyCard />
      <CalendarFeedsCard />
    </section>
  );
}
