// What every screen reads: the interface language and its translator.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { translator, type Translate } from './i18n';

export interface Ui {
  lang: string;
  t: Translate;
}

export const UiContext = createContext<Ui>({ lang: 'en', t: translator('en') });
export const useUi = (): Ui => useContext(UiContext);
