// Documents: a board by status (draft … in force); each document's versions per language with
// the diff between them, approvals per party, signatories, the ceremony, signatures, the audit
// chain's verdict and the completion certificate; only the next allowed steps are offered.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, get } from '../api/client';
import { documentKinds, documentStatuses, type Audit, type Certificate, type Diff, type DocumentDetail, type DocumentSummary, type Problem } from '../api/types';
import { all } from '../api/client';
import { Field, ProblemView, SelectField, Status, problemOf } from '../components/ui';
import { useUi } from '../context';
import { formatDateTime, formatDay, pick, type Translate } from '../i18n';
import { memberName, useVisitData, type VisitData } from './data';
import { EntryIntoForceForm, NotificationForm, WetInkForm, entryIntoForceText } from './DocumentSteps';

const board = documentStatuses.filter((s) => s !== 'rejected' && s !== 'withdrawn');

// A signature's method in words; a method this console does not know yet is shown as sent.
function methodName(method: string, t: Translate): string {
  return method === 'ed25519' || method === 'wet_ink' ? t(`member.method.${method}`) : method;
}

function DiffView({ doc, from, to }: { doc: DocumentDetail; from: number; to: number }) {
  const [diff, setDiff] = useState<Diff | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    get<Diff>('documents', `/v1/documents/${doc.id}/diff`, { from: String(from), to: String(to) }).then(setDiff, (e) => setProblem(problemOf(e)));
  }, [doc.id, from, to]);
  if (problem) return <ProblemView problem={problem} />;
  if (!diff) return null;
  return (
    <pre class="diff">
      {diff.hunks.flatMap((h, i) =>
        h.lines.map((l, j) => (
          <div key={`${i}-${j}`} class={l.op === '+' ? 'add' : l.op === '-' ? 'del' : ''}>
            {l.op} {l.text}
          </div>
        )),
      )}
    </pre>
  );
}

function DocumentPanel({ id, data, onChanged, onClose }: { id: string; data: VisitData; onChanged: () => void; onClose: () => void }) {
  const { t, lang } = useUi();
  const zone = data.visit.time_zone;
  const [doc, setDoc] = useState<DocumentDetail | null>(null);
  const [audit, setAudit] = useState<Audit | null>(null);
  const [certificate, setCertificate] = useState<Certificate | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [diffOf, setDiffOf] = useState<[number, number] | null>(null);
  const [version, setVersion] = useState({ language: '', content: '' });
  const [party, setParty] = useState(data.delegations[0]?.id ?? '');
  const [comment, setComment] = useState('');
  const ceremonies = data.meetings.filter((m) => m.kind === 'signing_ceremony' && m.status === 'scheduled');
  const [ceremony, setCeremony] = useState(ceremonies[0]?.id ?? '');
  const [reason, setReason] = useState('');
  const load = async () => {
    try {
      const d = await get<DocumentDetail>('documents', `/v1/documents/${id}`);
      setDoc(d);
      setVersion((v) => ({ ...v, language: v.language || d.languages[0] || '' }));
      get<Audit>('documents', `/v1/documents/${id}/audit`).then(setAudit, () => setAudit(null));
      if (d.status === 'signed' || d.status === 'in_force')
        get<Certificate>('documents', `/v1/documents/${id}/certificate`).then(setCertificate, () => setCertificate(null));
    } catch (e) {
      setProblem(problemOf(e));
    }
  };
  useEffect(() => void load(), [id, data]);
  if (!doc) return <ProblemView problem={problem} />;
  const allowed = new Set(doc.allowed_actions);
  const step = async (path: string, body: unknown) => {
    try {
      await call('documents', `/v1/documents/${doc.id}${path}`, { method: 'POST', body, version: doc.version });
      setProblem(null);
      await load();
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        await load();
        setProblem({ ...e.problem, detail: t('common.stale') });
      } else setProblem(problemOf(e));
    }
  };
  const byLanguage = new Map<string, DocumentDetail['versions']>();
  for (const v of doc.versions) byLanguage.set(v.language, [...(byLanguage.get(v.language) ?? []), v]);
  const delegationName = (id: string) => pick(data.delegations.find((d) => d.id === id)?.name, lang) || id;
  const signing = doc.signing ? data.meetings.find((m) => m.id === doc.signing?.meeting_id) : undefined;
  return (
    <section class="card document" aria-labelledby="doc-h">
      <div class="page-head">
        <h2 id="doc-h">
          {pick(doc.title, lang)} <span class={`pill ${doc.status}`}>{t(`status.${doc.status}`)}</span>
        </h2>
        <button type="button" class="secondary" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <ProblemView problem={problem} />
      <div class="columns">
        <div>
          <h3>{t('documents.versions')}</h3>
          {[...byLanguage.entries()].map(([language, versions]) => (
            <div key={language}>
              <strong>{language}</strong>
              <ol>
                {versions.map((v, i) => (
                  <li key={v.number}>
                    #{v.number} · {formatDateTime(v.created_at, lang, zone)} · {v.size} B {v.intact === false ? '⚠' : ''}
                    {i > 0 && (
                      <button type="button" class="link" onClick={() => setDiffOf([versions[i - 1]!.number, v.number])}>
                        {t('documents.diff')}
                      </button>
                    )}
                  </li>
                ))}
              </ol>
            </div>
          ))}
          {diffOf && <DiffView doc={doc} from={diffOf[0]} to={diffOf[1]} />}
          <h3>{t('documents.approvals')}</h3>
          <ul class="approvals">
            {doc.parties.map((p) => {
              const a = [...doc.approvals].reverse().find((x) => x.delegation_id === p);
              return (
                <li key={p}>
                  {delegationName(p)}: {a ? `${a.decision === 'approve' ? '✓' : '✗'} ${a.comment ?? ''}` : t('documents.pending')}
                </li>
              );
            })}
          </ul>
          <h3>{t('documents.signatories')}</h3>
          <ul>
            {doc.signatories.map((s) => (
              <li key={s.member_id}>
                {memberName(data.members.get(s.member_id), lang)} <span class="muted">· {delegationName(s.delegation_id)}</span>
                {doc.signatures?.some((x) => x.member_id === s.member_id) ? ' ✓' : ''}
              </li>
            ))}
          </ul>
          <h3>{t('documents.ceremony')}</h3>
          <p>{signing ? `${pick(signing.title, lang)} · ${formatDateTime(signing.start, lang, zone)}` : '—'}</p>
          {(doc.signatures?.length ?? 0) > 0 && (
            <>
              <h3>{t('documents.signatures')}</h3>
              <ul>
                {doc.signatures!.map((s) => (
                  <li key={s.member_id}>
                    {memberName(data.members.get(s.member_id), lang)} · {methodName(s.method, t)}
                    {s.place ? ` · ${s.place}` : ''} · {formatDateTime(s.signed_at, lang, zone)}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('eif.title')}</h3>
          <p class="eif">{entryIntoForceText(doc, t, lang, delegationName)}</p>
          <h3>{t('documents.audit')}</h3>
          <p>{audit ? `${audit.valid ? t('documents.auditValid') : t('documents.auditBroken')} (${audit.length ?? 0})` : '—'}</p>
          {certificate && (
            <>
              <h3>{t('documents.certificate')}</h3>
              <p>
                {certificate.signed_on && formatDay(certificate.signed_on, lang)}
                {certificate.in_force_on && ` → ${formatDay(certificate.in_force_on, lang)}`}
              </p>
            </>
          )}
        </div>
        <div>
          <h3>{t('documents.actions')}</h3>
          {allowed.size === 0 && <p>{t('documents.noActions')}</p>}
          {allowed.has('add_version') && (
            <form
              class="form"
              aria-label={t('documents.addVersion')}
              onSubmit={(e) => {
                e.preventDefault();
                void step('/versions', version).then(() => setVersion({ ...version, content: '' }));
              }}
            >
              <Field label={t('documents.language')}>
                {(fid) => (
                  <select id={fid} name="version_language" value={version.language} onChange={(e) => setVersion({ ...version, language: (e.target as HTMLSelectElement).value })}>
                    {doc.languages.map((l) => (
                      <option key={l}>{l}</option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('documents.content')}>
                {(fid) => <textarea id={fid} name="version_content" rows={4} value={version.content} onInput={(e) => setVersion({ ...version, content: (e.target as HTMLTextAreaElement).value })} />}
              </Field>
              <button type="submit">{t('documents.addVersion')}</button>
            </form>
          )}
          {allowed.has('submit') && (
            <button type="button" onClick={() => void step('/submit', {})}>
              {t('action.submit')}
            </button>
          )}
          {allowed.has('approve') && (
            <div class="form">
              <Field label={t('documents.party')}>
                {(fid) => (
                  <select id={fid} name="party" value={party} onChange={(e) => setParty((e.target as HTMLSelectElement).value)}>
                    {doc.parties.map((p) => (
                      <option key={p} value={p}>
                        {delegationName(p)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('documents.comment')}>{(fid) => <input id={fid} name="comment" value={comment} onInput={(e) => setComment((e.target as HTMLInputElement).value)} />}</Field>
              <button type="button" onClick={() => void step('/approvals', { delegation_id: party, decision: 'approve', ...(comment ? { comment } : {}) })}>
                {t('action.approve')}
              </button>
              {allowed.has('reject') && (
                <button type="button" class="danger" onClick={() => void step('/approvals', { delegation_id: party, decision: 'reject', comment })}>
                  {t('accreditation.reject')}
                </button>
              )}
            </div>
          )}
          {allowed.has('agree') && (
            <button type="button" onClick={() => void step('/agree', {})}>
              {t('action.agree')}
            </button>
          )}
          {allowed.has('schedule_signing') && (
            <div class="form">
              <Field label={t('documents.chooseCeremony')}>
                {(fid) => (
                  <select id={fid} name="ceremony" value={ceremony} onChange={(e) => setCeremony((e.target as HTMLSelectElement).value)}>
                    {ceremonies.map((m) => (
                      <option key={m.id} value={m.id}>
                        {pick(m.title, lang)} · {formatDateTime(m.start, lang, zone)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <button type="button" disabled={!ceremony} onClick={() => void step('/signing', { meeting_id: ceremony })}>
                {t('action.schedule_signing')}
              </button>
            </div>
          )}
          {allowed.has('sign') && <WetInkForm doc={doc} data={data} onStep={step} />}
          {allowed.has('set_entry_into_force') && <EntryIntoForceForm key={doc.version} doc={doc} onStep={step} />}
          {allowed.has('record_notification') && doc.entry_into_force?.rule === 'after_notifications' && (
            <NotificationForm doc={doc} delegationName={delegationName} onStep={step} />
          )}
          {allowed.has('withdraw') && (
            <div class="form">
              <Field label={t('common.reason')}>{(fid) => <input id={fid} name="withdraw_reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />}</Field>
              <button type="button" class="danger" disabled={!reason.trim()} onClick={() => void step('/withdraw', { reason })}>
                {t('action.withdraw')}
              </button>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

function NewDocument({ data, onDone }: { data: VisitData; onDone: (changed: boolean) => void }) {
  const { t } = useUi();
  const [f, setF] = useState({ titleEn: '', titleRu: '', kind: 'memorandum', languages: 'ru, en' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    // The parties are the visit's delegations; their heads sign (changeable later).
    const signatories = data.delegations.flatMap((d) => {
      const head = (data.rosters.get(d.id) ?? []).find((m) => m.is_head);
      return head ? [{ delegation_id: d.id, member_id: head.id }] : [];
    });
    try {
      await call('documents', '/v1/documents', {
        method: 'POST',
        body: {
          title: { ...(f.titleEn ? { en: f.titleEn } : {}), ...(f.titleRu ? { ru: f.titleRu } : {}) },
          kind: f.kind,
          visit_id: data.visit.id,
          parties: data.delegations.map((d) => d.id),
          signatories,
          languages: f.languages.split(',').map((s) => s.trim()).filter(Boolean),
        },
      });
      onDone(true);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <form class="card form" onSubmit={submit} aria-label={t('documents.new')}>
      <div class="grid">
        <Field label={t('common.titleEn')}>{(id) => <input id={id} name="doc_title_en" value={f.titleEn} onInput={set('titleEn')} />}</Field>
        <Field label={t('common.titleRu')}>{(id) => <input id={id} name="doc_title_ru" value={f.titleRu} onInput={set('titleRu')} />}</Field>
        <SelectField label={t('documents.kind')} name="doc_kind" value={f.kind} options={documentKinds} labelOf={(k) => t(`kind.${k}`)} onChange={set('kind')} />
        <Field label={t('documents.languages')}>{(id) => <input id={id} name="doc_languages" value={f.languages} onInput={set('languages')} />}</Field>
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

export function DocumentsView({ visitId }: { visitId: string }) {
  const { t, lang } = useUi();
  const { data, problem } = useVisitData(visitId);
  const [docs, setDocs] = useState<DocumentSummary[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [listProblem, setListProblem] = useState<Problem | null>(null);
  const load = () => all<DocumentSummary>('documents', '/v1/documents', { visit_id: visitId }).then(setDocs, (e) => setListProblem(problemOf(e)));
  // `data` changes whenever the visit's change stream reports something: the board follows.
  useEffect(() => void load(), [visitId, data]);
  if (!data) return <ProblemView problem={problem} />;
  return (
    <div class="page">
      <h1>
        {t('documents.title')} <span class="subtitle">{pick(data.visit.title, lang)}</span>
      </h1>
      <ProblemView problem={listProblem} />
      <Status text="" />
      <div class="board" role="list">
        {board.map((s) => {
          const column = docs.filter((d) => d.status === s);
          return (
            <div key={s} class="column" role="listitem" aria-labelledby={`col-${s}`}>
              <h2 id={`col-${s}`}>
                {t(`status.${s}`)} <span class="count">{column.length}</span>
              </h2>
              {column.map((d) => (
                <button key={d.id} type="button" class={`doc-card ${open === d.id ? 'open' : ''}`} onClick={() => setOpen(d.id)}>
                  <span class="muted">{t(`kind.${d.kind}` as 'kind.memorandum')}</span>
                  <span>{pick(d.title, lang)}</span>
                </button>
              ))}
            </div>
          );
        })}
      </div>
      {open && <DocumentPanel key={open} id={open} data={data} onChanged={() => void load()} onClose={() => setOpen(null)} />}
      {creating ? (
        <NewDocument
          data={data}
          onDone={(changed) => {
            setCreating(false);
            if (changed) void load();
          }}
        />
      ) : (
        <button type="button" onClick={() => setCreating(true)}>
          {t('documents.new')}
        </button>
      )}
    </div>
  );
}
