// The sign-in screen: the OpenID Connect issuer's button when the console is configured for one
// (GET /console/v1/config), and the one-time links (deploy/run.sh's, an officer's for a member).
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { signInConfig, type OidcConfig, type Returned } from '../api/oidc';
import { exchangeCode, takeSignInCode, type Session } from '../api/session';
import { useUi } from '../context';
import { OidcSignIn } from './OidcSignIn';

export function SignInScreen(props: { returned: Returned | null; expired: boolean; onSession: (s: Session) => void }) {
  const { t } = useUi();
  const [link, setLink] = useState<'idle' | 'working' | string>('idle');
  // undefined while loading; null when the console signs in by link only.
  const [oidc, setOidc] = useState<OidcConfig | null | undefined>(undefined);
  const [configProblem, setConfigProblem] = useState<string | null>(null);
  useEffect(() => {
    void signInConfig()
      .then(setOidc)
      .catch((e: unknown) => {
        setOidc(null);
        setConfigProblem(e instanceof Error ? e.message : String(e));
      });
    const code = takeSignInCode();
    if (!code) return;
    setLink('working');
    void exchangeCode(code).then((r) => (typeof r === 'string' ? setLink(r) : props.onSession(r)));
  }, []);
  if (link === 'working') return <Frame title={t('signin.title')}><p role="status">{t('signin.working')}</p></Frame>;
  return (
    <Frame title={t('signin.title')}>
      {props.expired && link === 'idle' && !props.returned && (
        <p class="notice" role="status">
          {t('signin.expired')}
        </p>
      )}
      {link !== 'idle' && (
        <p class="problem" role="alert">
          {t('signin.failed', { detail: link })}
        </p>
      )}
      {configProblem && (
        <p class="problem" role="alert">
          {t('signin.oidc.config', { detail: configProblem })}
        </p>
      )}
      {oidc === undefined && props.returned && <p role="status">{t('signin.working')}</p>}
      {oidc && <OidcSignIn config={oidc} returned={props.returned} onSession={props.onSession} />}
      {oidc === null && !configProblem && props.returned && (
        <p class="problem" role="alert">
          {t('signin.oidc.off')}
        </p>
      )}
      {!(props.returned && oidc === undefined) && (
        <>
          <p>{oidc ? t('signin.oidc.orLink') : t('signin.help')}</p>
          <p>{t('signin.member')}</p>
        </>
      )}
    </Frame>
  );
}

function Frame(props: { title: string; children: ComponentChildren }) {
  return (
    <main id="main" class="signin">
      <h1>{props.title}</h1>
      {props.children}
    </main>
  );
}
