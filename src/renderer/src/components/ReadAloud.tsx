/**
 * Read-aloud of the current screen with the Web Speech API. Shown only when the platform
 * has a voice for the interface language; hidden where none does (e.g. a bare Chromium).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

function voiceFor(lang: string): SpeechSynthesisVoice | null {
  if (typeof window.speechSynthesis === 'undefined') return null;
  return window.speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().startsWith(lang)) ?? null;
}

export function stopReading(): void {
  if (typeof window.speechSynthesis !== 'undefined') window.speechSynthesis.cancel();
}

export function ReadAloud(): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [voice, setVoice] = useState<SpeechSynthesisVoice | null>(() => voiceFor(lang));
  const [speaking, setSpeaking] = useState(false);

  useEffect(() => {
    if (typeof window.speechSynthesis === 'undefined') return;
    const update = (): void => setVoice(voiceFor(lang));
    // Voices load asynchronously in Chromium; the event fires once they are known.
    window.speechSynthesis.addEventListener('voiceschanged', update);
    const timer = setTimeout(update, 0);
    return () => {
      clearTimeout(timer);
      window.speechSynthesis.removeEventListener('voiceschanged', update);
    };
  }, [lang]);

  useEffect(() => stopReading, []);

  if (voice === null) return null;
  const read = (): void => {
    if (speaking) {
      stopReading();
      setSpeaking(false);
      return;
    }
    const text = document.querySelector('main')?.innerText ?? '';
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = 0.9;
    utterance.onend = () => setSpeaking(false);
    utterance.onerror = () => setSpeaking(false);
    stopReading();
    window.speechSynthesis.speak(utterance);
    setSpeaking(true);
  };
  return (
    <button type="button" className="button header-button" aria-pressed={speaking} onClick={read}>
      <span aria-hidden="true">🔊 </span>
      {speaking ? t('header.stopReading') : t('header.readAloud')}
    </button>
  );
}
