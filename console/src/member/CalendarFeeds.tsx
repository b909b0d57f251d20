// Calendar subscription: a secret address of the member's own programme for a phone's or
// desktop's calendar (scheduling's calendar feeds). The address is shown once, when made —
// the service keeps only a hash of its secret — with a Copy button and a QR code; the list
// shows each feed's label and date, and revokes it.
import { useEffect, useState } from 'preact/hooks';
import { all, call } from '../api/client';
import type { CalendarFeed, CalendarFeedCreate, CalendarFeedCreated, Problem } from '../api/types';
import { Field, ProblemView, Status, problemOf } from '../components/ui';
import { useUi } from '../context';
import { formatDateTime } from '../i18n';
import { useMember } from './context';
import { QrCode } from './qr';

// A default label: what kind of device this is, as far as the browser says.
function deviceName(): string {
  const ua = navigator.userAgent;
  if (/iPhone/.test(ua)) return 'iPhone';
  if (/iPad/.test(ua)) return 'iPad';
  if (/Android/.test(ua)) return 'Android';
  if (/Macintosh/.test(ua)) return 'Mac';
  if (/Windows/.test(ua)) return 'Windows';
  return '';
}

function NewAddress({ address, onDone }: { address: string; onDone: () => void }) {
  const { t } = useUi();
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(address);
      setCopied(t('member.feeds.copied'));
    } catch {
      setCopied(t('member.feeds.copyFailed'));
    }
  };
  return (
    <div class="feed-new">
      <p>{t('member.feeds.once')}</p>
      <p class="feed-address">
        <code data-testid="feed-address">{address}</code>
      </p>
      <button type="button" onClick={() => void copy()}>
        {t('member.feeds.copy')}
      </button>
      <button type="button" class="secondary" onClick={onDone}>
        {t('member.feeds.hide')}
      </button>
      <Status text={copied} />
      <QrCode text={address} label={t('member.feeds.qr')} />
    </div>
  );
}

export function CalendarFeedsCard() {
  const { t, lang } = useUi();
  const { me, zone } = useMember();
  const [feeds, setFeeds] = useState<CalendarFeed[] | null>(null);
  const [label, setLabel] = useState(deviceName);
  const [made, setMade] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [status, setStatus] = useState('');
  const list = `/v1/visits/${me.visit_id}/calendar-feeds`;

  const reload = () =>
    all<CalendarFeed>('scheduling', list)
      .then((items) => setFeeds(items.filter((f) => f.status === 'active' && f.member_id === me.id)))
      .catch((e: unknown) => setProblem(problemOf(e)));
  useEffect(() => void reload(), [me.id]);

  const create = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setStatus('');
    try {
      const body: CalendarFeedCreate = { member_id: me.id, language: lang, label: label.trim() };
      const reply = await call<CalendarFeedCreated>('scheduling', list, { method: 'POST', body });
      setMade(`${location.origin}/api/scheduling${reply.body.path}`);
      await reload();
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (feed: CalendarFeed) => {
    setProblem(null);
    setStatus('');
    try {
      await call<null>('scheduling', `/v1/calendar-feeds/${feed.id}`, { method: 'DELETE' });
      setMade(null);
      setStatus(t('member.feeds.revoked', { label: feed.label || t('member.feeds.unnamed') }));
      await reload();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };

  return (
    <section class="card feeds" aria-labelledby="feeds-title">
      <h2 id="feeds-title">{t('member.feeds.title')}</h2>
      <p class="muted">{t('member.feeds.help')}</p>
      {made ? (
        <NewAddress address={made} onDone={() => setMade(null)} />
      ) : (
        <form class="form" onSubmit={create} aria-labelledby="feeds-title">
          <Field label={t('member.feeds.label')}>
            {(id) => <input id={id} maxLength={200} value={label} onInput={(e) => setLabel((e.target as HTMLInputElement).value)} />}
          </Field>
          <button type="submit" disabled={busy}>
            {t('member.feeds.create')}
          </button>
        </form>
      )}
      {feeds && feeds.length === 0 && <p>{t('member.feeds.none')}</p>}
      {feeds && feeds.length > 0 && (
        <ul class="feed-list">
          {feeds.map((f) => (
            <li key={f.id}>
              <span>
                <strong>{f.label || t('member.feeds.unnamed')}</strong>{' '}
                <span class="muted">{t('member.feeds.created', { when: formatDateTime(f.created_at, lang, zone) })}</span>
              </span>
              <button
                type="button"
                class="secondary small"
                aria-label={t('member.feeds.revokeOne', { label: f.label || t('member.feeds.unnamed') })}
                onClick={() => void revoke(f)}
              >
                {t('member.feeds.revoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ProblemView problem={problem} />
      <Status text={status} />
    </section>
  );
}
