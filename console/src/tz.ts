// The calendar component works in the browser's own zone; the programme is shown in a chosen
// zone. So instants are turned into that zone's wall-clock time as a browser-local Date
// (toWall) and back (fromWall) at the edge of the calendar.

interface Parts {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(instant: Date, zone: string): Parts {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(instant)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year ?? 0, m: p.month ?? 1, d: p.day ?? 1, h: p.hour ?? 0, mi: p.minute ?? 0, s: p.second ?? 0 };
}

function offsetMinutes(instant: number, zone: string): number {
  const p = parts(new Date(instant), zone);
  return Math.round((Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - instant) / 60000);
}

export function toWall(iso: string, zone: string): Date {
  const p = parts(new Date(iso), zone);
  return new Date(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
}

const pad = (n: number): string => String(n).padStart(2, '0');

// A wall-clock time in `zone` (given as a browser-local Date) as RFC 3339 with that zone's offset.
export function fromWall(wall: Date, zone: string): string {
  const asUtc = Date.UTC(wall.getFullYear(), wall.getMonth(), wall.getDate(), wall.getHours(), wall.getMinutes());
  let offset = offsetMinutes(asUtc, zone);
  offset = offsetMinutes(asUtc - offset * 60000, zone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${wall.getFullYear()}-${pad(wall.getMonth() + 1)}-${pad(wall.getDate())}T${pad(wall.getHours())}:` +
    `${pad(wall.getMinutes())}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

// <input type="datetime-local"> values ("2025-09-28T10:00") in a zone.
export function toInput(iso: string, zone: string): string {
  const w = toWall(iso, zone);
  return `${w.getFullYear()}-${pad(w.getMonth() + 1)}-${pad(w.getDate())}T${pad(w.getHours())}:${pad(w.getMinutes())}`;
}

export function fromInput(value: string, zone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  return fromWall(new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!), zone);
}

export function wallDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function allZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC', 'Europe/Minsk', 'Asia/Bishkek', 'Europe/Moscow'];
}
