/**
 * Interface strings: French first, English beside it. Every string the voter sees is a key in fr.json
 * and en.json; project texts come from the election package (French, with optional translations).
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import fr from './fr.json';

export const languages = ['fr', 'en'] as const;
export type Language = (typeof languages)[number];

export const i18n: I18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { fr: { translation: fr }, en: { translation: en } },
  lng: 'fr',
  fallbackLng: 'fr',
  // React already escapes what it renders.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

/**
 * Keeps `<html lang>` right so a screen reader speaks each language with its own voice, and the window's
 * title in the same language (index.html carries the French one until this runs).
 */
const followLanguage = (lng: string): void => {
  document.documentElement.lang = lng;
  document.title = i18n.t('app.title');
};
i18n.on('languageChanged', followLanguage);
followLanguage(i18n.language);
