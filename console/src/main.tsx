import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import '@event-calendar/core/index.css';
import './style.css';
import { onConnection, probe, whenSignedOut } from './api/client';
import { takeAuthorizationResponse } from './api/oidc';
import { currentSession, endSession, memberOf, sessionExpired, type Session } from './api/session';
import { MemberApp } from './member/MemberApp';
import { SignInScreen } from './signin/SignInScreen';
import { registerServiceWorker } from './sw-register';
import { UiContext, useUi } from './context';
import { initialLanguage, languages, saveLanguage, translator } from './i18n';
import { DelegationsView } from './views/Delegations';
import { DocumentsView } from './views/Documents';
import { ProgrammeView } from './views/Programme';
import { VisitsView } from './views/Visits';

type Route =
  | { page: 'visits' }
  | { page: 'programme' | 'delegations' | 'documents'; visitId: string };

function parseRoute(hash: string): Route {
  const m = /^#\/visits\/([0-9a-fA-F-]{36})\/(programme|delegations|documents)$/.exec(hash);
  if (m) return { page: m[2] as 'programme' | 'delegations' | 'documents', visitId: m[1]! };
  return { page: 'visits' };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function Banner() {
  const { t } = useUi();
  const [down, setDown] = useState<string | null>(null);
  useEffect(() => onConnection(setDown), []);
  useEffect(() => {
    if (!down) return;
    const timer = setInterval(() => void probe(), 2000);
    return () => clearInterval(timer);
  }, [down]);
  if (!down) return null;
  return (
    <div class="banner" role="alert">
      {t('banner.down', { service: down })}
    </div>
  );
}

function Nav({ route, onLang, onSignOut }: { route: Route; onLang: (l: string) => void; onSignOut: () => void }) {
  const { t, lang } = useUi();
  const visitId = route.page === 'visits' ? null : route.visitId;
  const link = (page: string, label: string) => (
    <a href={`#/visits/${visitId}/${page}`} aria-current={route.page === page ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <header class="top">
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <strong class="brand">{t('app.title')}</strong>
      <nav aria-label="Main">
        <a href="#/visits" aria-current={route.page === 'visits' ? 'page' : undefined}>
          {t('nav.visits')}
        </a>
        {visitId && link('programme', t('nav.programme'))}
        {visitId && link('delegations', t('nav.delegations'))}
        {visitId && link('documents', t('nav.documents'))}
      </nav>
      <label class="lang">
        {t('nav.language')}{' '}
        <select value={lang} onChange={(e) => onLang((e.target as HTMLSelectElement).value)}>
          {Object.entries(languages).map(([code, l]) => (
            <option key={code} value={code}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="link" onClick={onSignOut}>
        {t('nav.signOut')}
      </button>
    </header>
  );
}

// The issuer's answer to an OpenID Connect sign-in (?code=…&state=…), out of the address bar
// before anything else runs.
const returned = takeAuthorizationResponse();

function App() {
  const [lang, setLang] = useState(initialLanguage);
  const [session, setSession] = useState<Session | null>(() =>
    location.hash.startsWith('#signin=') || returned ? null : currentSession(),
  );
  const [expired, setExpired] = useState(() => !returned && sessionExpired());
  // Used once: after a sign-in or a sign-out the screen starts afresh.
  const [answer, setAnswer] = useState(returned);
  const route = useRoute();
  const ui = useMemo(() => ({ lang, t: translator(lang) }), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = ui.t('app.title');
  }, [lang]);
  useEffect(
    () =>
      whenSignedOut(() => {
        setExpired(true);
        setSession(null);
      }),
    [],
  );
  // When the token expires, the screen says so and offers to sign in again (no silent renewal).
  useEffect(() => {
    if (!session) return;
    const left = Date.parse(session.expires_at) - Date.now();
    const timer = setTimeout(() => {
      endSession();
      setExpired(true);
      setSession(null);
    }, Math.max(0, Math.min(left, 2 ** 31 - 1)));
    return () => clearTimeout(timer);
  }, [session]);
  const signIn = (s: Session) => {
    setExpired(false);
    setAnswer(null);
    setSession(s);
  };
  // Sign-out forgets the session's token; an issuer's own session is the issuer's to end.
  const signOut = () => {
    endSession();
    setExpired(false);
    setAnswer(null);
    setSession(null);
  };
  const changeLang = (l: string) => {
    saveLanguage(l);
    setLang(l);
  };
  if (!session)
    return (
      <UiContext.Provider value={ui}>
        <SignInScreen returned={answer} expired={expired} onSession={signIn} />
      </UiContext.Provider>
    );
  // A delegation member's session has the member's screens only.
  if (memberOf(session))
    return (
      <MemberApp
        session={session}
        onSignOut={signOut}
      />
    );
  return (
    <UiContext.Provider value={ui}>
      <Nav
        route={route}
        onLang={changeLang}
        onSignOut={signOut}
      />
      <Banner />
      <main id="main" tabIndex={-1}>
        {route.page === 'visits' && <VisitsView />}
        {route.page === 'programme' && <ProgrammeView visitId={route.visitId} key={route.visitId} />}
        {route.page === 'delegations' && <DelegationsView visitId={route.visitId} key={route.visitId} />}
        {route.page === 'documents' && <DocumentsView visitId={route.visitId} key={route.visitId} />}
      </main>
    </UiContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
registerServiceWorker();
