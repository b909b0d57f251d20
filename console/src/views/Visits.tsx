// Visits: the list, creating and editing a visit and its status; and the venues meetings are
// booked in.
import { useEffect, useState } from 'preact/hooks';
import { all, call } from '../api/client';
import { visitKinds, visitStatuses, type Problem, type Venue, type Visit } from '../api/types';
import { Field, ProblemView, SelectField, Status, problemOf } from '../components/ui';
import { useUi } from '../context';
import { formatDay, pick } from '../i18n';

interface VisitForm {
  titleEn: string;
  titleRu: string;
  kind: string;
  host_country: string;
  guest_country: string;
  starts_on: string;
  ends_on: string;
  time_zone: string;
  status: string;
}

const emptyVisit: VisitForm = {
  titleEn: '',
  titleRu: '',
  kind: 'official_visit',
  host_country: '',
  guest_country: '',
  starts_on: '',
  ends_on: '',
  time_zone: 'Europe/Minsk',
  status: 'planned',
};

function formOf(v: Visit): VisitForm {
  return {
    titleEn: v.title.en ?? '',
    titleRu: v.title.ru ?? '',
    kind: v.kind,
    host_country: v.host_country,
    guest_country: v.guest_country,
    starts_on: v.starts_on,
    ends_on: v.ends_on,
    time_zone: v.time_zone,
    status: v.status,
  };
}

function VisitEditor({ visit, onDone }: { visit: Visit | null; onDone: (v: Visit | null) => void }) {
  const { t } = useUi();
  const [form, setForm] = useState<VisitForm>(visit ? formOf(visit) : emptyVisit);
  const [problem, setProblem] = useState<Problem | null>(null);
  const set = (k: keyof VisitForm) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    const title: Record<string, string> = {};
    if (form.titleEn) title.en = form.titleEn;
    if (form.titleRu) title.ru = form.titleRu;
    const body: Record<string, unknown> = {
      title: { ...visit?.title, ...title },
      kind: form.kind,
      host_country: form.host_country.toUpperCase(),
      guest_country: form.guest_country.toUpperCase(),
      starts_on: form.starts_on,
      ends_on: form.ends_on,
      time_zone: form.time_zone,
    };
    try {
      if (visit) {
        if (form.status !== visit.status) body.status = form.status;
        const r = await call<Visit>('scheduling', `/v1/visits/${visit.id}`, { method: 'PATCH', body, version: visit.version });
        onDone(r.body);
      } else {
        const r = await call<Visit>('scheduling', '/v1/visits', { method: 'POST', body });
        onDone(r.body);
      }
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <form class="card form" onSubmit={submit} aria-label={visit ? t('common.edit') : t('visits.new')}>
      <h2>{visit ? pick(visit.title, 'en') : t('visits.new')}</h2>
      <div class="grid">
        <Field label={t('common.titleEn')}>{(id) => <input id={id} name="title_en" value={form.titleEn} onInput={set('titleEn')} />}</Field>
        <Field label={t('common.titleRu')}>{(id) => <input id={id} name="title_ru" value={form.titleRu} onInput={set('titleRu')} />}</Field>
        <SelectField label={t('visits.kind')} name="kind" value={form.kind} options={visitKinds} labelOf={(k) => t(`kind.${k}`)} onChange={set('kind')} />
        <Field label={t('visits.host')}>{(id) => <input id={id} name="host_country" maxLength={2} value={form.host_country} onInput={set('host_country')} />}</Field>
        <Field label={t('visits.guest')}>{(id) => <input id={id} name="guest_country" maxLength={2} value={form.guest_country} onInput={set('guest_country')} />}</Field>
        <Field label={t('visits.startsOn')}>{(id) => <input id={id} name="starts_on" type="date" value={form.starts_on} onInput={set('starts_on')} />}</Field>
        <Field label={t('visits.endsOn')}>{(id) => <input id={id} name="ends_on" type="date" value={form.ends_on} onInput={set('ends_on')} />}</Field>
        <Field label={t('visits.zone')}>{(id) => <input id={id} name="time_zone" value={form.time_zone} onInput={set('time_zone')} />}</Field>
        {visit && (
          <SelectField label={t('visits.status')} name="status" value={form.status} options={visitStatuses} labelOf={(s) => t(`status.${s}`)} onChange={set('status')} />
        )}
      </div>
      <ProblemView problem={problem} />
      <div class="actions">
        <button type="submit">{visit ? t('common.save') : t('common.create')}</button>
        <button type="button" class="secondary" onClick={() => onDone(null)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function Venues() {
  const { t } = useUi();
  const [venues, setVenues] = useState<Venue[]>([]);
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ name: '', city: '', address: '', time_zone: 'Europe/Minsk', capacity: '100', buffer_minutes: '0' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const load = () => all<Venue>('scheduling', '/v1/venues').then(setVenues, (e) => setProblem(problemOf(e)));
  useEffect(() => void load(), []);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await call('scheduling', '/v1/venues', {
        method: 'POST',
        body: { ...form, capacity: Number(form.capacity), buffer_minutes: Number(form.buffer_minutes) },
      });
      setOpen(false);
      setProblem(null);
      setForm({ ...form, name: '', address: '' });
      void load();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <section aria-labelledby="venues-h">
      <h2 id="venues-h">{t('venues.title')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('venues.name')}</th>
            <th scope="col">{t('venues.city')}</th>
            <th scope="col">{t('venues.capacity')}</th>
            <th scope="col">{t('venues.buffer')}</th>
          </tr>
        </thead>
        <tbody>
          {venues.map((v) => (
            <tr key={v.id}>
              <td>{v.name}</td>
              <td>{v.city}</td>
              <td>{v.capacity}</td>
              <td>{v.buffer_minutes}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open ? (
        <form class="card form" onSubmit={submit} aria-label={t('venues.new')}>
          <div class="grid">
            <Field label={t('venues.name')}>{(id) => <input id={id} name="venue_name" value={form.name} onInput={set('name')} />}</Field>
            <Field label={t('venues.city')}>{(id) => <input id={id} name="venue_city" value={form.city} onInput={set('city')} />}</Field>
            <Field label={t('venues.address')}>{(id) => <input id={id} name="venue_address" value={form.address} onInput={set('address')} />}</Field>
            <Field label={t('visits.zone')}>{(id) => <input id={id} name="venue_zone" value={form.time_zone} onInput={set('time_zone')} />}</Field>
            <Field label={t('venues.capacity')}>{(id) => <input id={id} name="venue_capacity" type="number" min={1} value={form.capacity} onInput={set('capacity')} />}</Field>
            <Field label={t('venues.buffer')}>{(id) => <input id={id} name="venue_buffer" type="number" min={0} value={form.buffer_minutes} onInput={set('buffer_minutes')} />}</Field>
          </div>
          <ProblemView problem={problem} />
          <div class="actions">
            <button type="submit">{t('common.create')}</button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          {t('venues.new')}
        </button>
      )}
    </section>
  );
}

export function VisitsView() {
  const { t, lang } = useUi();
  const [visits, setVisits] = useState<Visit[] | null>(null);
  const [editing, setEditing] = useState<Visit | 'new' | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [status, setStatus] = useState('');
  const load = () => all<Visit>('scheduling', '/v1/visits').then(setVisits, (e) => setProblem(problemOf(e)));
  useEffect(() => void load(), []);
  return (
    <div class="page">
      <h1>{t('visits.title')}</h1>
      <ProblemView problem={problem} />
      <Status text={status} />
      {visits === null ? (
        <p>{t('common.loading')}</p>
      ) : visits.length === 0 ? (
        <p>{t('visits.empty')}</p>
      ) : (
        <table class="visits">
          <thead>
            <tr>
              <th scope="col">{t('common.titleEn').split(' (')[0]}</th>
              <th scope="col">{t('visits.kind')}</th>
              <th scope="col">{t('visits.dates')}</th>
              <th scope="col">{t('visits.status')}</th>
              <th scope="col">
                <span class="sr-only">{t('common.edit')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {visits.map((v) => (
              <tr key={v.id}>
                <td>
                  <a href={`#/visits/${v.id}/programme`}>{pick(v.title, lang)}</a>
                  <div class="muted">
                    {v.host_country} ← {v.guest_country} · {v.time_zone}
                  </div>
                </td>
                <td>{t(`kind.${v.kind}`)}</td>
                <td>
                  {formatDay(v.starts_on, lang)} – {formatDay(v.ends_on, lang)}
                </td>
                <td>
                  <span class={`pill ${v.status}`}>{t(`status.${v.status}`)}</span>
                </td>
                <td>
                  <button type="button" class="secondary" onClick={() => setEditing(v)} aria-label={`${t('common.edit')}: ${pick(v.title, lang)}`}>
                    {t('common.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? (
        <VisitEditor
          key={editing === 'new' ? 'new' : editing.id}
          visit={editing === 'new' ? null : editing}
          onDone={(v) => {
            setEditing(null);
            if (v) {
              setStatus(pick(v.title, lang));
              void load();
            }
          }}
        />
      ) : (
        <button type="button" onClick={() => setEditing('new')}>
          {t('visits.new')}
        </button>
      )}
      <Venues />
    </div>
  );
}
