// The document's later steps, each offered only when the document's allowed_actions name it:
// a wet-ink signature recorded by the officer (`sign`), the entry-into-force rule
// (`set_entry_into_force`), and a party's notification that its procedures are complete
// (`record_notification`, for the after_notifications rule).
import { useState } from 'preact/hooks';
import { entryIntoForceRules, type DocumentDetail, type EntryIntoForceRule } from '../api/types';
import { Field, SelectField } from '../components/ui';
import { useUi } from '../context';
import { formatDay, type Translate } from '../i18n';
import { memberName, type VisitData } from './data';

type Step = (path: string, body: unknown) => Promise<void>;

const today = (): string => new Date().toISOString().slice(0, 10);

// The rule in words, with its date when it is known, and the parties' notifications.
export function entryIntoForceText(doc: DocumentDetail, t: Translate, lang: string, delegationName: (id: string) => string): string {
  const eif = doc.entry_into_force;
  if (!eif) return t('eif.unset');
  let text = t(`eif.rule.${eif.rule}`);
  if (eif.rule === 'after_notifications') text += ` (${t('eif.days', { n: eif.days ?? 0 })})`;
  const on = doc.in_force_on ?? eif.date;
  if (on) text += ` · ${t(doc.status === 'in_force' ? 'eif.inForceSince' : 'eif.onDate', { date: formatDay(on, lang) })}`;
  for (const n of eif.notifications ?? []) text += ` · ${t('eif.notified', { party: delegationName(n.delegation_id), date: formatDay(n.notified_on, lang) })}`;
  return text;
}

export function WetInkForm({ doc, data, onStep }: { doc: DocumentDetail; data: VisitData; onStep: Step }) {
  const { t, lang } = useUi();
  const unsigned = doc.signatories.filter((s) => !doc.signatures?.some((x) => x.member_id === s.member_id));
  const [who, setWho] = useState(unsigned[0]?.member_id ?? '');
  const [place, setPlace] = useState('');
  const chosen = unsigned.some((s) => s.member_id === who) ? who : unsigned[0]?.member_id ?? '';
  if (unsigned.length === 0) return null;
  return (
    <form
      class="form"
      aria-label={t('sign.wetInk')}
      onSubmit={(e) => {
        e.preventDefault();
        void onStep('/signatures', { member_id: chosen, method: 'wet_ink', ...(place.trim() ? { place: place.trim() } : {}) });
      }}
    >
      <Field label={t('sign.signatory')}>
        {(id) => (
          <select id={id} name="signatory" value={chosen} onChange={(e) => setWho((e.target as HTMLSelectElement).value)}>
            {unsigned.map((s) => (
              <option key={s.member_id} value={s.member_id}>
                {memberName(data.members.get(s.member_id), lang)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('sign.place')}>{(id) => <input id={id} name="signature_place" maxLength={200} value={place} onInput={(e) => setPlace((e.target as HTMLInputElement).value)} />}</Field>
      <button type="submit" disabled={!chosen}>
        {t('sign.wetInk')}
      </button>
    </form>
  );
}

export function EntryIntoForceForm({ doc, onStep }: { doc: DocumentDetail; onStep: Step }) {
  const { t } = useUi();
  const current = doc.entry_into_force;
  const [rule, setRule] = useState<EntryIntoForceRule>(current?.rule ?? 'on_signature');
  const [date, setDate] = useState(current?.rule === 'on_date' ? current.date ?? '' : '');
  const [days, setDays] = useState(String(current?.days ?? 30));
  return (
    <form
      class="form"
      aria-label={t('eif.set')}
      onSubmit={(e) => {
        e.preventDefault();
        const body: Record<string, unknown> = { rule };
        if (rule === 'on_date') body.date = date;
        if (rule === 'after_notifications') body.days = Number(days);
        void onStep('/entry-into-force', body);
      }}
    >
      <SelectField label={t('eif.ruleLabel')} name="eif_rule" value={rule} options={entryIntoForceRules} labelOf={(r) => t(`eif.rule.${r}`)}
        onChange={(e) => setRule((e.target as HTMLSelectElement).value as EntryIntoForceRule)} />
      {rule === 'on_date' && (
        <Field label={t('eif.date')}>{(id) => <input id={id} name="eif_date" type="date" value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} />}</Field>
      )}
      {rule === 'after_notifications' && (
        <Field label={t('eif.daysLabel')}>{(id) => <input id={id} name="eif_days" type="number" min={0} max={3650} value={days} onInput={(e) => setDays((e.target as HTMLInputElement).value)} />}</Field>
      )}
      <button type="submit" disabled={(rule === 'on_date' && !date) || (rule === 'after_notifications' && days === '')}>
        {t('eif.set')}
      </button>
    </form>
  );
}

export function NotificationForm({ doc, delegationName, onStep }: { doc: DocumentDetail; delegationName: (id: string) => string; onStep: Step }) {
  const { t } = useUi();
  const notified = new Set((doc.entry_into_force?.notifications ?? []).map((n) => n.delegation_id));
  const waiting = doc.parties.filter((p) => !notified.has(p));
  const [party, setParty] = useState(waiting[0] ?? '');
  const [on, setOn] = useState(today());
  const chosen = waiting.includes(party) ? party : waiting[0] ?? '';
  if (waiting.length === 0) return null;
  return (
    <form
      class="form"
      aria-label={t('eif.recordNotification')}
      onSubmit={(e) => {
        e.preventDefault();
        void onStep('/notifications', { delegation_id: chosen, notified_on: on });
      }}
    >
      <Field label={t('documents.party')}>
        {(id) => (
          <select id={id} name="notified_party" value={chosen} onChange={(e) => setParty((e.target as HTMLSelectElement).value)}>
            {waiting.map((p) => (
              <option key={p} value={p}>
                {delegationName(p)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('eif.notifiedOn')}>{(id) => <input id={id} name="notified_on" type="date" value={on} onInput={(e) => setOn((e.target as HTMLInputElement).value)} />}</Field>
      <button type="submit" disabled={!chosen || !on}>
        {t('eif.recordNotification')}
      </button>
    </form>
  );
}
