// A member's travel (arrival, departure, hotel): personal data, so it is shown and offered for
// editing only where the roster gives it to this officer (the member record carries `travel`).
// Times are entered in the visit's zone; the whole travel is replaced at once
// (PUT /v1/members/{id}/travel, If-Match the member's version).
import { useState } from 'preact/hooks';
import { ApiError, call } from '../api/client';
import type { Member, Problem, Travel, TravelInput, TravelLeg, TravelLegInput } from '../api/types';
import { Field, ProblemView, problemOf } from '../components/ui';
import { useUi } from '../context';
import { formatDateTime, formatDay, type Translate } from '../i18n';
import { fromInput, toInput } from '../tz';
import { memberName } from './data';

interface LegState {
  time: string; // datetime-local, in the zone
  flight: string;
  airport: string;
}

const legState = (leg: TravelLeg | null | undefined, zone: string): LegState => ({
  time: leg ? toInput(leg.time, zone) : '',
  flight: leg?.flight ?? '',
  airport: leg?.airport ?? '',
});

function legInput(leg: LegState, zone: string): TravelLegInput | undefined {
  const time = fromInput(leg.time, zone);
  if (!time) return undefined;
  return { time, ...(leg.flight.trim() ? { flight: leg.flight.trim() } : {}), ...(leg.airport.trim() ? { airport: leg.airport.trim().toUpperCase() } : {}) };
}

// One line for the roster: arrival, departure, hotel.
export function travelSummary(travel: Travel | null | undefined, lang: string, zone: string, t: Translate): string {
  if (!travel) return '—';
  const leg = (label: string, l: TravelLeg | null | undefined) =>
    l ? `${label} ${formatDateTime(l.time, lang, zone)}${l.flight ? ` ${l.flight}` : ''}${l.airport ? ` (${l.airport})` : ''}` : null;
  const hotel = travel.hotel
    ? `${travel.hotel.name}${travel.hotel.check_in ? `, ${formatDay(travel.hotel.check_in, lang)}` : ''}${travel.hotel.check_out ? `–${formatDay(travel.hotel.check_out, lang)}` : ''}`
    : null;
  return [leg(t('travel.arr'), travel.arrival), leg(t('travel.dep'), travel.departure), hotel].filter(Boolean).join(' · ') || '—';
}

export function TravelForm({ member, zone, onDone }: { member: Member; zone: string; onDone: (changed: boolean) => void }) {
  const { t, lang } = useUi();
  const travel = member.travel ?? null;
  const [arrival, setArrival] = useState(legState(travel?.arrival, zone));
  const [departure, setDeparture] = useState(legState(travel?.departure, zone));
  const [hotel, setHotel] = useState({
    name: travel?.hotel?.name ?? '',
    address: travel?.hotel?.address ?? '',
    checkIn: travel?.hotel?.check_in ?? '',
    checkOut: travel?.hotel?.check_out ?? '',
  });
  const [problem, setProblem] = useState<Problem | null>(null);
  const name = memberName(member, lang);

  const submit = async (e: Event) => {
    e.preventDefault();
    const body: TravelInput = {};
    const a = legInput(arrival, zone);
    const d = legInput(departure, zone);
    if (a) body.arrival = a;
    if (d) body.departure = d;
    if (hotel.name.trim())
      body.hotel = {
        name: hotel.name.trim(),
        ...(hotel.address.trim() ? { address: hotel.address.trim() } : {}),
        ...(hotel.checkIn ? { check_in: hotel.checkIn } : {}),
        ...(hotel.checkOut ? { check_out: hotel.checkOut } : {}),
      };
    try {
      await call('delegations', `/v1/members/${member.id}/travel`, { method: 'PUT', body, version: member.version });
      onDone(true);
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 412 ? { ...err.problem, detail: t('common.stale') } : problemOf(err));
    }
  };

  const leg = (label: string, value: LegState, set: (l: LegState) => void, prefix: string) => (
    <fieldset class="inline">
      <legend>{label}</legend>
      <Field label={`${t('travel.time')} (${zone})`}>
        {(id) => <input id={id} name={`${prefix}_time`} type="datetime-local" value={value.time} onInput={(e) => set({ ...value, time: (e.target as HTMLInputElement).value })} />}
      </Field>
      <Field label={t('travel.flight')}>
        {(id) => <input id={id} name={`${prefix}_flight`} maxLength={16} value={value.flight} onInput={(e) => set({ ...value, flight: (e.target as HTMLInputElement).value })} />}
      </Field>
      <Field label={t('travel.airport')}>
        {(id) => <input id={id} name={`${prefix}_airport`} maxLength={3} value={value.airport} onInput={(e) => set({ ...value, airport: (e.target as HTMLInputElement).value })} />}
      </Field>
    </fieldset>
  );

  return (
    <form class="card form travel-form" onSubmit={submit} aria-label={`${t('travel.title')}: ${name}`}>
      <h3>{`${t('travel.title')}: ${name}`}</h3>
      {leg(t('travel.arrival'), arrival, setArrival, 'arrival')}
      {leg(t('travel.departure'), departure, setDeparture, 'departure')}
      <fieldset class="inline">
        <legend>{t('travel.hotel')}</legend>
        <Field label={t('travel.hotelName')}>
          {(id) => <input id={id} name="hotel_name" value={hotel.name} onInput={(e) => setHotel({ ...hotel, name: (e.target as HTMLInputElement).value })} />}
        </Field>
        <Field label={t('travel.hotelAddress')}>
          {(id) => <input id={id} name="hotel_address" value={hotel.address} onInput={(e) => setHotel({ ...hotel, address: (e.target as HTMLInputElement).value })} />}
        </Field>
        <Field label={t('travel.checkIn')}>
          {(id) => <input id={id} name="hotel_check_in" type="date" value={hotel.checkIn} onInput={(e) => setHotel({ ...hotel, checkIn: (e.target as HTMLInputElement).value })} />}
        </Field>
        <Field label={t('travel.checkOut')}>
          {(id) => <input id={id} name="hotel_check_out" type="date" value={hotel.checkOut} onInput={(e) => setHotel({ ...hotel, checkOut: (e.target as HTMLInputElement).value })} />}
        </Field>
      </fieldset>
      <ProblemView problem={problem} />
      <div class="actions">
        <button type="submit">{t('common.save')}</button>
        <button type="button" class="secondary" onClick={() => onDone(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
