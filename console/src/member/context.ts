// What every member screen reads: who the member is (their own record), their zone and the
// inbox, which the shell follows live for all screens.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { MemberSelf, Notification } from '../api/types';
import type { StreamState } from './inbox-stream';

export interface InboxState {
  items: Notification[]; // newest first, each id once
  unread: number;
  next: string | null;
  stream: StreamState;
  markRead: (ids: string[]) => Promise<void>;
  more: () => Promise<void>;
}

export interface MemberUi {
  me: MemberSelf;
  zone: string; // the member's own zone
  setMe: (m: MemberSelf) => void;
  inbox: InboxState;
}

export const MemberContext = createContext<MemberUi | null>(null);
export function useMember(): MemberUi {
  const m = useContext(MemberContext);
  if (!m) throw new Error('useMember outside the member shell');
  return m;
}

// A zone by its city, in the interface's language where the console knows it:
// "Asia/Bishkek" → "Bishkek" (en), "Бишкек" (ru).
const cities: Record<string, Record<string, string>> = {
  ru: {
    'Europe/Minsk': 'Минск',
    'Asia/Bishkek': 'Бишкек',
    'Europe/Moscow': 'Москва',
    'Asia/Almaty': 'Алматы',
    'Asia/Tashkent': 'Ташкент',
    'Asia/Dushanbe': 'Душанбе',
    'Asia/Yerevan': 'Ереван',
    'Asia/Baku': 'Баку',
    'UTC': 'UTC',
  },
};
export function zoneCity(zone: string, lang: string): string {
  return cities[lang]?.[zone] ?? (zone.split('/').pop() ?? zone).replace(/_/g, ' ');
}
