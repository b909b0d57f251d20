// The interface's languages and the formatting of dates and times in them. The chosen language
// is a preference, kept in localStorage (it is not a secret).
import { en, type MessageKey, type Messages } from './en';
import { ru } from './ru';

export const languages: Record<string, { name: string; messages: Messages }> = {
  en: { name: 'English', messages: en },
  ru: { name: 'Русский', messages: ru },
};
export type { MessageKey };

export function initialLanguage(): string {
  const saved = localStorage.getItem('concord.language');
  if (saved && saved in languages) return saved;
  const browser = navigator.language.slice(0, 2);
  return browser in languages ? browser : 'en';
}

export function saveLanguage(lang: string): void {
  localStorage.setItem('concord.language', lang);
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: string): Translate {
  const messages = languages[lang]?.messages ?? en;
  return (key, params) =>
    (messages[key] ?? en[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? `{${name}}`));
}

// The text of a LocalizedText in the language, else English, else any.
export function pick(text: Record<string, string> | undefined, lang: string): string {
  if (!text) return '';
  return text[lang] ?? text.en ?? Object.values(text)[0] ?? '';
}

export function formatTime(iso: string, lang: string, zone: string): string {
  return new Intl.DateTimeFormat(lang, { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export function formatDateTime(iso: string, lang: string, zone: string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

export function formatDay(date: string, lang: string): string {
  // A date (YYYY-MM-DD) is a calendar day: formatted in UTC so no zone moves it.
  return new Intl.DateTimeFormat(lang, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}
