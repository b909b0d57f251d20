// The inbox: newest first, the unread count, mark one or all read, each linked to what it is
// about. New ones arrive live (the shell follows the stream for every screen).
import { useState } from 'preact/hooks';
import type { Notification, Problem } from '../api/types';
import { ProblemView, problemOf } from '../components/ui';
import { useUi } from '../context';
import { formatDateTime } from '../i18n';
import { useMember } from './context';

// Where a notification's subject is shown: a meeting in the programme, a document to read or sign.
export function linkOf(n: Notification): string | null {
  const m = /^(meeting|document)\/([0-9a-fA-F-]{36})$/.exec(n.subject);
  if (!m) return null;
  return m[1] === 'meeting' ? `#/me/programme/${m[2]}` : `#/me/documents/${m[2]}`;
}

export function MemberInbox() {
  const { t, lang } = useUi();
  const { inbox, zone } = useMember();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (f: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await f();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  const unreadIds = inbox.items.filter((n) => !n.read_at).map((n) => n.id);
  return (
    <section aria-labelledby="inbox-title">
      <div class="page-head">
        <h1 id="inbox-title">
          {t('member.inbox.title')}
          <span class="subtitle" aria-live="polite">
            {t('member.inbox.unread', { n: inbox.unread })}
          </span>
        </h1>
        <span class={`live ${inbox.stream === 'live' ? 'on' : 'off'}`}>{t(`member.stream.${inbox.stream}`)}</span>
      </div>
      <button type="button" disabled={busy || unreadIds.length === 0} onClick={() => act(() => inbox.markRead(unreadIds))}>
        {t('member.inbox.markAll')}
      </button>
      <ProblemView problem={problem} />
      {inbox.items.length === 0 && <p>{t('member.inbox.empty')}</p>}
      <ol class="inbox">
        {inbox.items.map((n) => {
          const link = linkOf(n);
          return (
            <li key={n.id} class={`note${n.read_at ? '' : ' unread'}${n.urgent ? ' urgent' : ''}`} data-id={n.id}>
              <p class="note-head">
                {!n.read_at && <span class="dot" aria-label={t('member.inbox.new')} role="img" />}
                <strong>{link ? <a href={link}>{n.title}</a> : n.title}</strong>
              </p>
              <p>{n.body}</p>
              <p class="muted">
                <time dateTime={n.created_at}>{formatDateTime(n.created_at, lang, zone)}</time>
                {!n.read_at && (
                  <button
                    type="button"
                    class="secondary small"
                    disabled={busy}
                    aria-label={t('member.inbox.markOneLabel', { title: n.title })}
                    onClick={() => act(() => inbox.markRead([n.id]))}
                  >
                    {t('member.inbox.markOne')}
                  </button>
                )}
              </p>
            </li>
          );
        })}
      </ol>
      {inbox.next && (
        <button type="button" class="secondary" disabled={busy} onClick={() => act(inbox.more)}>
          {t('member.inbox.older')}
        </button>
      )}
    </section>
  );
}
