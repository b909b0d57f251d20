// This device's signing key: whether there is one, whether it is the one registered for the
// member, and the button that makes and registers a new one (replacing any other device's).
import { useEffect, useState } from 'preact/hooks';
import type { Problem } from '../api/types';
import { ProblemView, Status, problemOf } from '../components/ui';
import { useUi } from '../context';
import { deviceKey, publicKeyOf, registerDeviceKey } from './device-key';
import { useMember } from './context';

export type KeyState = 'none' | 'registered' | 'other'; // no key here; this one is registered; another one is

export function useKeyState(): [KeyState | null, () => void] {
  const { me } = useMember();
  const [state, setState] = useState<KeyState | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    void (async () => {
      const pair = await deviceKey(me.id).catch(() => undefined);
      if (!pair) return setState('none');
      setState((await publicKeyOf(pair)) === me.public_key ? 'registered' : 'other');
    })();
  }, [me.id, me.public_key, tick]);
  return [state, () => setTick((n) => n + 1)];
}

export function DeviceKeyCard() {
  const { t } = useUi();
  const { me, setMe } = useMember();
  const [state] = useKeyState();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const register = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setMe(await registerDeviceKey(me));
      setStatus(t('member.key.done'));
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card device-key" aria-labelledby="key-title">
      <h2 id="key-title">{t('member.key.title')}</h2>
      <p>
        {state === 'registered'
          ? t('member.key.registered')
          : me.public_key
            ? t('member.key.otherDevice')
            : t('member.key.none')}
      </p>
      <p class="muted">{t('member.key.help')}</p>
      {state !== null && state !== 'registered' && (
        <button type="button" disabled={busy} onClick={register}>
          {me.public_key ? t('member.key.replace') : t('member.key.register')}
        </button>
      )}
      <ProblemView problem={problem} />
      <Status text={status} />
    </section>
  );
}
