// The delegation member's side of the console, phone first: my programme, inbox, documents to
// sign, preferences. Only #/me/… routes exist here: an officer's screen asked for in a member's
// session is not drawn; the member is told so and sent to their programme.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../api/client';
import type { Session } from '../api/session';
import type { MemberSelf } from '../api/types';
import { UiContext } from '../context';
import { languages, translator } from '../i18n';
import { ProblemView, problemOf } from '../components/ui';
import type { Problem } from '../api/types';
import { MemberContext } from './context';
import { forget, load, save } from './store';
import { useInbox } from './inbox-state';
import { MemberProgramme } from './Programme';
import { MemberInbox } from './Inbox';
import { MemberDocuments } from './Documents';
import { MemberPreferences } from './Preferences';

export type MemberRoute =
  | { page: 'programme'; meeting?: string }
  | { page: 'inbox' }
  | { page: 'documents'; id?: string }
  | { page: 'preferences' }
  | { page: 'elsewhere' }; // a route that is not a member's

export function parseMemberRoute(hash: string): MemberRoute {
  const m = /^#\/me\/(programme|inbox|documents|preferences)(?:\/([0-9a-fA-F-]{36}))?$/.exec(hash);
  if (m) {
    const page = m[1] as 'programme' | 'inbox' | 'documents' | 'preferences';
    if (page === 'programme') return m[2] ? { page, meeting: m[2] } : { page };
    if (page === 'documents') return m[2] ? { page, id: m[2] } : { page };
    return { page };
  }
  if (hash === '' || hash === '#' || hash === '#/' || hash === '#/me') return { page: 'programme' };
  return { page: 'elsewhere' };
}

function useMemberRoute(): MemberRoute {
  const [route, setRoute] = useState(() => parseMemberRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseMemberRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

// The interface language: the member's chosen notification language where the console has it,
// else the first of their languages it has, else English.
export function memberLanguage(me: MemberSelf | null): string {
  const wanted = [me?.notifications?.language ?? '', ...(me?.languages ?? [])];
  return wanted.find((l) => l in languages) ?? 'en';
}

// Signing out leaves nothing of the member's programme on this device; the device's signing
// key stays (it is this device's, and registering a new one would replace it everywhere).
async function forgetKept(memberId: string): Promise<void> {
  for (const key of [`me:${memberId}`, `programme:${memberId}:mine`, `programme:${memberId}:all`])
    await forget('programmes', key).catch(() => undefined);
}

export function MemberApp({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const memberId = session.member_id ?? '';
  const [me, setMe] = useState<MemberSelf | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const route = useMemberRoute();
  const inbox = useInbox(memberId);
  const lang = memberLanguage(me);
  const ui = useMemo(() => ({ lang, t: translator(lang) }), [lang]);
  const { t } = ui;

  useEffect(() => {
    // The member's own record; offline, the copy kept when it was last loaded.
    get<MemberSelf>('delegations', `/v1/members/${memberId}`)
      .then((m) => {
        setMe(m);
        void save('programmes', `me:${memberId}`, m).catch(() => undefined);
      })
      .catch(async (e: unknown) => {
        const kept = await load<MemberSelf>('programmes', `me:${memberId}`).catch(() => undefined);
        if (kept) setMe(kept);
        else setProblem(problemOf(e));
      });
  }, [memberId]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${t('member.title')} · ${t('app.title')}`;
  }, [lang]);
  // An officer's screen asked for: not drawn; the member's programme instead.
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    if (route.page === 'elsewhere') {
      setRefused(true);
      history.replaceState(null, '', `${location.pathname}#/me/programme`);
      dispatchEvent(new HashChangeEvent('hashchange'));
    }
  }, [route.page]);

  const tab = (page: MemberRoute['page'], label: string, badge?: number) => (
    <a href={`#/me/${page}`} aria-current={route.page === page ? 'page' : undefined}>
      {label}
      {badge ? (
        <span class="badge" aria-label={t('member.inbox.unreadCount', { n: badge })}>
          {badge}
        </span>
      ) : null}
    </a>
  );

  const zone = me?.time_zone ?? 'UTC';
  return (
    <UiContext.Provider value={ui}>
      <header class="top member-top">
        <a class="skip" href="#main">
          {t('app.skip')}
        </a>
        <strong class="brand">{t('app.title')}</strong>
        <span class="who">{me ? (me.full_name[lang] ?? me.full_name.en ?? '') : ''}</span>
        <button type="button" class="link" onClick={() => void forgetKept(memberId).then(onSignOut)}>
          {t('nav.signOut')}
        </button>
        <nav aria-label={t('member.nav')} class="tabs">
          {tab('programme', t('member.nav.programme'))}
          {tab('inbox', t('member.nav.inbox'), inbox.unread)}
          {tab('documents', t('member.nav.documents'))}
          {tab('preferences', t('member.nav.preferences'))}
        </nav>
      </header>
      <main id="main" tabIndex={-1} class="member">
        {refused && (
          <p class="notice" role="alert">
            {t('member.officerOnly')}{' '}
            <button type="button" class="link" onClick={() => setRefused(false)}>
              {t('common.close')}
            </button>
          </p>
        )}
        <ProblemView problem={problem} />
        {me && (
          <MemberContext.Provider value={{ me, zone, setMe, inbox }}>
            {route.page === 'programme' && <MemberProgramme highlight={route.meeting} />}
            {route.page === 'inbox' && <MemberInbox />}
            {route.page === 'documents' && <MemberDocuments id={route.id} key={route.id ?? 'list'} />}
            {route.page === 'preferences' && <MemberPreferences />}
          </MemberContext.Provider>
        )}
        {!me && !problem && <p role="status">{t('common.loading')}</p>}
      </main>
    </UiContext.Provider>
  );
}
