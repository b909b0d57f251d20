// Delegations: each roster in order of precedence; adding and editing members (contact only
// where the officer may see it); accreditation steps with badge numbers, only the legal ones.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, call } from '../api/client';
import { SignInLink } from './SignInLink';
import { ranks, sides, type AccreditationStatus, type Delegation, type Member, type Problem } from '../api/types';
import { Field, ProblemView, SelectField, Status, problemOf } from '../components/ui';
import { useUi } from '../context';
import { pick } from '../i18n';
import { memberName, useVisitData } from './data';
import { TravelForm, travelSummary } from './TravelForm';

// The accreditation steps the service allows from each status (the others are not offered).
const steps: Record<AccreditationStatus, ('request' | 'approve' | 'reject' | 'revoke')[]> = {
  none: ['request'],
  requested: ['approve', 'reject'],
  approved: ['revoke'],
  rejected: ['request'],
  revoked: ['request'],
};

function Accreditation({ member, onChanged }: { member: Member; onChanged: () => Promise<void> }) {
  const { t, lang } = useUi();
  const [badge, setBadge] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const status = member.accreditation.status;
  const act = async (action: string) => {
    const body: Record<string, string> = { action };
    if (action === 'approve') body.badge_number = badge;
    if (action === 'reject' || action === 'revoke') body.reason = reason;
    try {
      await call('delegations', `/v1/members/${member.id}/accreditation`, { method: 'POST', body });
      setProblem(null);
      await onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) await onChanged();
      setProblem(problemOf(e));
    }
  };
  if (member.status !== 'active') return <span class="muted">{t('members.withdrawn')}</span>;
  const name = memberName(member, lang);
  return (
    <div class="accreditation">
      <span class={`pill acc-${status}`}>
        {t(`accreditation.${status}`)}
        {member.accreditation.badge_number ? ` · ${member.accreditation.badge_number}` : ''}
      </span>
      {steps[status].includes('approve') && (
        <input aria-label={`${t('members.badge')}: ${name}`} name="badge" placeholder={t('members.badge')} value={badge} onInput={(e) => setBadge((e.target as HTMLInputElement).value)} />
      )}
      {(steps[status].includes('reject') || steps[status].includes('revoke')) && (
        <input aria-label={`${t('common.reason')}: ${name}`} name="reason" placeholder={t('common.reason')} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      )}
      {steps[status].map((s) => (
        <button key={s} type="button" class={s === 'reject' || s === 'revoke' ? 'danger small' : 'small'} aria-label={`${t(`accreditation.${s}`)}: ${name}`} onClick={() => void act(s)}>
          {t(`accreditation.${s}`)}
        </button>
      ))}
      <ProblemView problem={problem} />
    </div>
  );
}

interface MemberFormState {
  nameEn: string;
  nameRu: string;
  positionEn: string;
  positionRu: string;
  rank: string;
  order: string;
  head: boolean;
  languages: string;
  zone: string;
  email: string;
  phone: string;
}

function MemberForm({ delegation, member, onDone }: { delegation: Delegation; member: Member | null; onDone: (changed: boolean) => void }) {
  const { t } = useUi();
  const [f, setF] = useState<MemberFormState>({
    nameEn: member?.full_name.en ?? '',
    nameRu: member?.full_name.ru ?? '',
    positionEn: member?.position.en ?? '',
    positionRu: member?.position.ru ?? '',
    rank: member?.rank ?? 'minister',
    order: member?.precedence_order ? String(member.precedence_order) : '',
    head: member?.is_head ?? false,
    languages: member?.languages.join(', ') ?? 'ru, en',
    zone: member?.time_zone ?? 'Europe/Minsk',
    email: member?.contact?.email ?? '',
    phone: member?.contact?.phone ?? '',
  });
  const [problem, setProblem] = useState<Problem | null>(null);
  const set = (k: keyof MemberFormState) => (e: Event) => {
    const el = e.target as HTMLInputElement;
    setF({ ...f, [k]: el.type === 'checkbox' ? el.checked : el.value });
  };
  const text = (en: string, ru: string) => ({ ...(en ? { en } : {}), ...(ru ? { ru } : {}) });
  const submit = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = {
      full_name: { ...member?.full_name, ...text(f.nameEn, f.nameRu) },
      position: { ...member?.position, ...text(f.positionEn, f.positionRu) },
      rank: f.rank,
      is_head: f.head,
      languages: f.languages.split(',').map((s) => s.trim()).filter(Boolean),
      time_zone: f.zone,
    };
    if (f.order) body.precedence_order = Number(f.order);
    else if (member) body.precedence_order = null;
    // Contact is personal data: sent only when the officer fills it in.
    if (f.email || f.phone) body.contact = { ...(f.email ? { email: f.email } : {}), ...(f.phone ? { phone: f.phone } : {}) };
    try {
      if (member) await call('delegations', `/v1/members/${member.id}`, { method: 'PATCH', body, version: member.version });
      else await call('delegations', `/v1/delegations/${delegation.id}/members`, { method: 'POST', body });
      onDone(true);
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 412 ? { ...err.problem, detail: t('common.stale') } : problemOf(err));
    }
  };
  return (
    <form class="card form" onSubmit={submit} aria-label={member ? t('common.edit') : t('members.new')}>
      <div class="grid">
        <Field label={t('members.nameEn')}>{(id) => <input id={id} name="name_en" value={f.nameEn} onInput={set('nameEn')} />}</Field>
        <Field label={t('members.nameRu')}>{(id) => <input id={id} name="name_ru" value={f.nameRu} onInput={set('nameRu')} />}</Field>
        <Field label={t('members.positionEn')}>{(id) => <input id={id} name="position_en" value={f.positionEn} onInput={set('positionEn')} />}</Field>
        <Field label={t('members.positionRu')}>{(id) => <input id={id} name="position_ru" value={f.positionRu} onInput={set('positionRu')} />}</Field>
        <SelectField label={t('members.rank')} name="rank" value={f.rank} options={ranks} labelOf={(r) => t(`rank.${r}`)} onChange={set('rank')} />
        <Field label={t('members.order')}>{(id) => <input id={id} name="precedence_order" type="number" min={1} value={f.order} onInput={set('order')} />}</Field>
        <Field label={t('members.languages')}>{(id) => <input id={id} name="languages" value={f.languages} onInput={set('languages')} />}</Field>
        <Field label={t('members.zone')}>{(id) => <input id={id} name="member_zone" value={f.zone} onInput={set('zone')} />}</Field>
        <Field label={t('members.email')}>{(id) => <input id={id} name="email" type="email" value={f.email} onInput={set('email')} />}</Field>
        <Field label={t('members.phone')}>{(id) => <input id={id} name="phone" value={f.phone} onInput={set('phone')} />}</Field>
      </div>
      <label class="check">
        <input type="checkbox" name="is_head" checked={f.head} onChange={set('head')} /> {t('members.head')}
      </label>
      <ProblemView problem={problem} />
      <div class="actions">
        <button type="submit">{member ? t('common.save') : t('members.new')}</button>
        <button type="button" class="secondary" onClick={() => onDone(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function NewDelegation({ visitId, onDone }: { visitId: string; onDone: (changed: boolean) => void }) {
  const { t } = useUi();
  const [f, setF] = useState({ country: '', side: 'host', nameEn: '', nameRu: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await call('delegations', '/v1/delegations', {
        method: 'POST',
        body: { visit_id: visitId, country: f.country.toUpperCase(), side: f.side, name: { ...(f.nameEn ? { en: f.nameEn } : {}), ...(f.nameRu ? { ru: f.nameRu } : {}) } },
      });
      onDone(true);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <form class="card form" onSubmit={submit} aria-label={t('delegations.new')}>
      <div class="grid">
        <Field label={t('delegations.country')}>{(id) => <input id={id} name="country" maxLength={2} value={f.country} onInput={set('country')} />}</Field>
        <SelectField label={t('delegations.side')} name="side" value={f.side} options={sides} labelOf={(s) => t(`side.${s}`)} onChange={set('side')} />
        <Field label={t('delegations.nameEn')}>{(id) => <input id={id} name="delegation_name_en" value={f.nameEn} onInput={set('nameEn')} />}</Field>
        <Field label={t('delegations.nameRu')}>{(id) => <input id={id} name="delegation_name_ru" value={f.nameRu} onInput={set('nameRu')} />}</Field>
      </div>
      <ProblemView problem={problem} />
      <div class="actions">
        <button type="submit">{t('common.create')}</button>
        <button type="button" class="secondary" onClick={() => onDone(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function DelegationsView({ visitId }: { visitId: string }) {
  const { t, lang } = useUi();
  const { data, problem, reload } = useVisitData(visitId);
  const [form, setForm] = useState<{ delegation: Delegation; member: Member | null; travel?: boolean } | 'delegation' | null>(null);
  const [status, setStatus] = useState('');
  // Said once to screen readers and seen for a moment, not left on the page as a bare mark.
  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => setStatus(''), 4000);
    return () => clearTimeout(timer);
  }, [status]);
  const done = (changed: boolean) => {
    setForm(null);
    if (changed) {
      setStatus(t('common.saved'));
      void reload();
    }
  };
  if (!data) return <ProblemView problem={problem} />;
  return (
    <div class="page">
      <h1>
        {t('delegations.title')} <span class="subtitle">{pick(data.visit.title, lang)}</span>
      </h1>
      <ProblemView problem={problem} />
      <Status text={status} />
      {data.delegations.length === 0 && <p>{t('delegations.empty')}</p>}
      {data.delegations.map((d) => (
        <section key={d.id} class="delegation" aria-labelledby={`d-${d.id}`}>
          <h2 id={`d-${d.id}`}>
            {pick(d.name, lang)} <span class="muted">· {d.country} · {t(`side.${d.side}`)}</span>
          </h2>
          <table class="roster">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('members.name')}</th>
                <th scope="col">{t('members.rank')}</th>
                <th scope="col">{t('members.email')}</th>
                <th scope="col">{t('travel.title')}</th>
                <th scope="col">{t('members.accreditation')}</th>
                <th scope="col">
                  <span class="sr-only">{t('common.edit')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(data.rosters.get(d.id) ?? []).map((m, i) => (
                <tr key={m.id} class={m.status}>
                  <td>{i + 1}</td>
                  <td>
                    {memberName(m, lang)}
                    {m.is_head && <span class="pill head">★</span>}
                    <div class="muted">{pick(m.position, lang)}</div>
                  </td>
                  <td>{t(`rank.${m.rank}`)}</td>
                  <td>{m.contact ? [m.contact.email, m.contact.phone].filter(Boolean).join(' · ') : '—'}</td>
                  <td>
                    {'travel' in m ? (
                      <>
                        <span class="travel">{travelSummary(m.travel, lang, data.visit.time_zone, t)}</span>{' '}
                        {m.status === 'active' && (
                          <button type="button" class="secondary small" aria-label={`${t('travel.edit')}: ${memberName(m, lang)}`} onClick={() => setForm({ delegation: d, member: m, travel: true })}>
                            {t('travel.edit')}
                          </button>
                        )}
                      </>
                    ) : (
                      <span class="muted">{t('travel.hidden')}</span>
                    )}
                  </td>
                  <td>
                    <Accreditation member={m} onChanged={reload} />
                  </td>
                  <td>
                    <button type="button" class="secondary small" aria-label={`${t('common.edit')}: ${memberName(m, lang)}`} onClick={() => setForm({ delegation: d, member: m })}>
                      {t('common.edit')}
                    </button>
                    <SignInLink member={m} name={memberName(m, lang)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {typeof form === 'object' && form?.delegation.id === d.id && form.travel && form.member ? (
            <TravelForm key={`travel-${form.member.id}`} member={form.member} zone={data.visit.time_zone} onDone={done} />
          ) : typeof form === 'object' && form?.delegation.id === d.id ? (
            <MemberForm key={form.member?.id ?? 'new'} delegation={d} member={form.member} onDone={done} />
          ) : (
            <button type="button" aria-label={`${t('members.new')}: ${pick(d.name, lang)}`} onClick={() => setForm({ delegation: d, member: null })}>
              {t('members.new')}
            </button>
          )}
        </section>
      ))}
      {form === 'delegation' ? (
        <NewDelegation visitId={visitId} onDone={done} />
      ) : (
        <button type="button" onClick={() => setForm('delegation')}>
          {t('delegations.new')}
        </button>
      )}
    </div>
  );
}
