/**
 * The sync tunables a shell reads from its configuration (the harness CLI's flags, the Electron shell's
 * environment), checked once here so both shells accept and refuse the same values with the same French
 * message. Unset values keep the engine's defaults (backoff capped at 5 minutes). The batch size is not
 * among them: K is set by the signed election package only.
 */
import { defaultBackoff } from './backoff';
import type { SyncOptions } from './engine';

/** A configuration value the kiosk cannot start with; the message says which and why, in French. */
export class SyncSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncSettingsError';
  }
}

export interface SyncSettings {
  /** Longest wait between two automatic upload attempts, in seconds: 1 to 86 400. */
  backoffMaxSeconds?: string | undefined;
}

const wholeNumber = (name: string, text: string, min: number, max: number): number => {
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || n < min || n > max)
    throw new SyncSettingsError(
      `${name} : un nombre entier de ${min} à ${max} est attendu (reçu « ${text} »).`,
    );
  return n;
};

export function syncOptionsFromSettings(settings: SyncSettings): SyncOptions {
  const options: SyncOptions = {};
  if (settings.backoffMaxSeconds !== undefined && settings.backoffMaxSeconds !== '') {
    const capMs =
      wholeNumber('Attente maximale entre deux envois', settings.backoffMaxSeconds, 1, 86_400) * 1000;
    options.backoff = { ...defaultBackoff, baseMs: Math.min(defaultBackoff.baseMs, capMs), capMs };
  }
  return options;
}
