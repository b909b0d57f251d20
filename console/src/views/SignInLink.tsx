// An officer hands a delegation member a one-time sign-in link (POST
// /console/v1/members/{id}/sign-in-link): shown here to copy and pass on; it works once.
import { useState } from 'preact/hooks';
import { currentSession } from '../api/session';
import type { Member, Problem } from '../api/types';
import { ProblemView } from '../components/ui';
import { useUi } from '../context';
import { formatDateTime } from '../i18n';

export function SignInLink({ member, name }: { member: Member; name: string }) {
  const { t, lang } = useUi();
  const [link, setLink] = useState<{ url: string; expires_at: string } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  if (member.status !== 'active') return null;
  const issue = async () => {
    setProblem(null);
    try {
      const res = await fetch(`/console/v1/members/${encodeURIComponent(member.id)}/sign-in-link`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${currentSession()?.token ?? ''}` },
      });
      const body = (await res.json()) as { path?: string; expires_at?: string } & Problem;
      if (!res.ok || !body.path) throw body;
      setLink({ url: `${location.origin}${body.path}`, expires_at: body.expires_at ?? '' });
    } catch (e) {
      setProblem(e && typeof e === 'object' && 'status' in e ? (e as Problem) : { type: 'about:blank', title: 'Error', status: 0, detail: String(e) });
    }
  };
  return (
    <div class="signin-link">
      <button type="button" class="secondary small" aria-label={`${t('members.signInLink')}: ${name}`} onClick={issue}>
        {t('members.signInLink')}
      </button>
      {link && (
        <label class="field">
          <span>{t('members.signInLinkHelp', { until: formatDateTime(link.expires_at, lang, Intl.DateTimeFormat().resolvedOptions().timeZone) })}</span>
          <input type="text" readOnly value={link.url} aria-label={`${t('members.signInLink')}: ${name}`} onFocus={(e) => (e.target as HTMLInputElement).select()} />
        </label>
      )}
      <ProblemView problem={problem} />
    </div>
  );
}
