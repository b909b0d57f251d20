// "Sign in with <issuer>": sends the person to the issuer, or finishes the sign-in they came
// back with (api/oidc.ts). Every failure is said in words, with the button to try again.
import { useEffect, useState } from 'preact/hooks';
import { beginSignIn, completeSignIn, hostOf, type OidcConfig, type OidcFailure, type Returned } from '../api/oidc';
import type { Session } from '../api/session';
import { useUi } from '../context';

type Step = { at: 'idle' } | { at: 'working' } | { at: 'failed'; failure: OidcFailure };

export function OidcSignIn(props: { config: OidcConfig; returned: Returned | null; onSession: (s: Session) => void }) {
  const { t } = useUi();
  const host = hostOf(props.config.issuer);
  const [step, setStep] = useState<Step>(props.returned ? { at: 'working' } : { at: 'idle' });
  useEffect(() => {
    if (!props.returned) return;
    void completeSignIn(props.config, props.returned).then((r) =>
      'token' in r ? props.onSession(r) : setStep({ at: 'failed', failure: r }),
    );
  }, []);
  const start = () => {
    setStep({ at: 'working' });
    void beginSignIn(props.config).then((failure) => setStep({ at: 'failed', failure }));
  };
  if (step.at === 'working') return <p role="status">{t('signin.working')}</p>;
  return (
    <>
      {step.at === 'failed' && (
        <p class="problem" role="alert">
          {t(`signin.oidc.${step.failure.kind}`, { host, detail: step.failure.detail })}
        </p>
      )}
      <p>
        <button type="button" onClick={start}>
          {t('signin.oidc.button', { host })}
        </button>
      </p>
    </>
  );
}
