// Documents of the member's delegation; for a signatory, those due to be signed first. A
// document opened: the agreed text in each language with its SHA-256 (as agreed, and as
// computed here from the text received), then signing with this device's key — the signing
// payload fetched, signed, submitted — the new status, and the certificate once all have signed.
import { useEffect, useState } from 'preact/hooks';
import { call, get, getBytes } from '../api/client';
import type { FullCertificate, MemberDocument, Page, Problem, VersionWithContent } from '../api/types';
import { ProblemView, Status, problemOf } from '../components/ui';
import { useUi } from '../context';
import { formatDateTime, formatDay, pick } from '../i18n';
import { useMember } from './context';
import { deviceKey, sha256Hex, signWith } from './device-key';
import { DeviceKeyCard, useKeyState } from './DeviceKey';

const signable = ['signing_scheduled', 'partially_signed'];

export function isDue(d: MemberDocument, memberId: string): boolean {
  return (
    signable.includes(d.status) &&
    (d.signatories ?? []).some((s) => s.member_id === memberId) &&
    !(d.signatures ?? []).some((s) => s.member_id === memberId)
  );
}

export function MemberDocuments({ id }: { id?: string | undefined }) {
  return id ? <DocumentToSign id={id} /> : <DocumentList />;
}

function DocumentList() {
  const { t, lang } = useUi();
  const { me } = useMember();
  const [docs, setDocs] = useState<MemberDocument[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    get<Page<MemberDocument>>('documents', '/v1/documents', { visit_id: me.visit_id, limit: '200' })
      .then((p) => setDocs(p.items))
      .catch((e: unknown) => setProblem(problemOf(e)));
  }, [me.visit_id]);
  const due = (docs ?? []).filter((d) => isDue(d, me.id));
  const rest = (docs ?? []).filter((d) => !isDue(d, me.id));
  const item = (d: MemberDocument) => (
    <li key={d.id} class="doc-row">
      <a href={`#/me/documents/${d.id}`}>{pick(d.title, lang)}</a>
      <span class={`pill ${d.status}`}>{t(`status.${d.status}`)}</span>
    </li>
  );
  return (
    <section aria-labelledby="docs-title">
      <h1 id="docs-title">{t('member.docs.title')}</h1>
      <ProblemView problem={problem} />
      {!docs && !problem && <p role="status">{t('common.loading')}</p>}
      {docs && (
        <>
          <h2>{t('member.docs.due')}</h2>
          {due.length === 0 ? <p class="muted">{t('member.docs.noneDue')}</p> : <ul class="docs due">{due.map(item)}</ul>}
          <h2>{t('member.docs.others')}</h2>
          {rest.length === 0 ? <p class="muted">{t('common.none')}</p> : <ul class="docs">{rest.map(item)}</ul>}
        </>
      )}
    </section>
  );
}

function DocumentToSign({ id }: { id: string }) {
  const { t, lang } = useUi();
  const { me, zone } = useMember();
  const [doc, setDoc] = useState<MemberDocument | null>(null);
  const [texts, setTexts] = useState<Record<string, { content: string; computed: string }>>({});
  const [certificate, setCertificate] = useState<FullCertificate | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [keyState, recheckKey] = useKeyState();

  const reload = async () => {
    const d = await get<MemberDocument>('documents', `/v1/documents/${id}`);
    setDoc(d);
    const agreed = d.agreed_versions ?? {};
    const read: Record<string, { content: string; computed: string }> = {};
    for (const [language, ref] of Object.entries(agreed)) {
      const v = await get<VersionWithContent>('documents', `/v1/documents/${id}/versions/${ref.number}`);
      read[language] = { content: v.content, computed: await sha256Hex(v.content) };
    }
    setTexts(read);
    if (d.status === 'signed' || d.status === 'in_force') setCertificate(await get<FullCertificate>('documents', `/v1/documents/${id}/certificate`));
  };
  useEffect(() => {
    reload().catch((e: unknown) => setProblem(problemOf(e)));
  }, [id]);
  useEffect(recheckKey, [me.public_key]);

  const sign = async () => {
    setBusy(true);
    setProblem(null);
    setStatus('');
    try {
      const pair = await deviceKey(me.id);
      if (!pair) throw new Error(t('member.key.none'));
      const signedAt = new Date().toISOString();
      const payload = await getBytes('documents', `/v1/documents/${id}/signing-payload`, { member_id: me.id, signed_at: signedAt });
      const signature = await signWith(pair, payload);
      await call<MemberDocument>('documents', `/v1/documents/${id}/signatures`, {
        method: 'POST',
        body: { member_id: me.id, method: 'ed25519', signature, signed_at: signedAt },
      });
      await reload();
      setStatus(t('member.sign.done'));
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };

  if (!doc)
    return (
      <section>
        <ProblemView problem={problem} />
        {!problem && <p role="status">{t('common.loading')}</p>}
      </section>
    );
  const due = isDue(doc, me.id);
  const mine = (doc.signatures ?? []).find((s) => s.member_id === me.id);
  const allAgree = Object.entries(doc.agreed_versions ?? {}).every(([l, ref]) => texts[l]?.computed === ref.sha256);
  return (
    <section aria-labelledby="doc-title" class="sign">
      <p>
        <a href="#/me/documents">← {t('member.docs.title')}</a>
      </p>
      <h1 id="doc-title">
        {pick(doc.title, lang)}
        <span class="subtitle">
          {t(`kind.${doc.kind as 'memorandum'}`)} · <span class={`pill ${doc.status}`} data-testid="doc-status">{t(`status.${doc.status}`)}</span>
        </span>
      </h1>
      {doc.signing?.start && <p class="muted">{t('member.sign.when', { at: formatDateTime(doc.signing.start, lang, zone) })}</p>}
      <h2>{t('member.sign.agreedText')}</h2>
      {Object.entries(doc.agreed_versions ?? {}).map(([language, ref]) => (
        <article key={language} class="agreed-text" aria-label={t('member.sign.textIn', { lang: language })}>
          <h3>
            {t('member.sign.textIn', { lang: language })} · {t('member.sign.version', { n: ref.number })}
          </h3>
          <pre class="text">{texts[language]?.content ?? t('common.loading')}</pre>
          <p class="digest">
            SHA-256 <code>{ref.sha256}</code>{' '}
            {texts[language] &&
              (texts[language].computed === ref.sha256 ? (
                <span class="ok">{t('member.sign.digestOk')}</span>
              ) : (
                <span class="problem">{t('member.sign.digestBad')}</span>
              ))}
          </p>
        </article>
      ))}
      <h2>{t('member.sign.signatures')}</h2>
      <ul class="signatures">
        {(doc.signatories ?? []).map((s) => {
          const signed = (doc.signatures ?? []).find((x) => x.member_id === s.member_id);
          return (
            <li key={s.member_id}>
              {s.member_id === me.id ? t('member.sign.you') : t('member.sign.signatory')}:{' '}
              {signed
                ? t('member.sign.signedAt', { at: formatDateTime(signed.signed_at, lang, zone), method: t(`member.method.${signed.method as 'ed25519' | 'wet_ink'}`) })
                : t('member.sign.notYet')}
            </li>
          );
        })}
      </ul>
      {mine && <p class="notice">{t('member.sign.youSigned', { at: formatDateTime(mine.signed_at, lang, zone) })}</p>}
      {due && keyState === 'registered' && (
        <button type="button" disabled={busy || !allAgree} onClick={sign}>
          {t('member.sign.sign')}
        </button>
      )}
      {due && keyState !== null && keyState !== 'registered' && <DeviceKeyCard />}
      <ProblemView problem={problem} />
      <Status text={status} />
      {certificate && (
        <section class="card certificate" aria-labelledby="cert-title">
          <h2 id="cert-title">{t('member.cert.title')}</h2>
          <p>{t('member.cert.signedOn', { date: certificate.signed_on ? formatDay(certificate.signed_on, lang) : '' })}</p>
          <ul>
            {Object.entries(certificate.agreed_text).map(([l, ref]) => (
              <li key={l}>
                {l} · {t('member.sign.version', { n: ref.number })} · SHA-256 <code>{ref.sha256}</code>
              </li>
            ))}
          </ul>
          <p>{t('member.cert.signatures', { n: certificate.signatures.length })}</p>
          {certificate.audit && (
            <p>
              {t(certificate.audit.valid ? 'member.cert.auditOk' : 'member.cert.auditBad', { n: certificate.audit.length })}{' '}
              <code>{certificate.audit.head}</code>
            </p>
          )}
          <p class="muted">{t('member.cert.issued', { at: formatDateTime(certificate.issued_at, lang, zone) })}</p>
        </section>
      )}
    </section>
  );
}
