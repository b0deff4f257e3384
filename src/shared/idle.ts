/**
 * The voter screens' idle delays: seconds without a touch before "Êtes-vous toujours là ?",
 * then seconds of countdown before the voter is wiped. They travel in the voter page's address
 * (`?idle=<s>&countdown=<s>`): the shells (Electron, the browser harness) write it from their own
 * configuration, the renderer reads it. Pure: no Node, no DOM.
 */
export const DEFAULT_IDLE_SECONDS = 90;
export const DEFAULT_COUNTDOWN_SECONDS = 30;
const MIN_SECONDS = 1;
const MAX_SECONDS = 3600;

export interface IdleDelays {
  idleSeconds: number;
  countdownSeconds: number;
}

export const defaultIdleDelays: IdleDelays = {
  idleSeconds: DEFAULT_IDLE_SECONDS,
  countdownSeconds: DEFAULT_COUNTDOWN_SECONDS,
};

/** A number of seconds the screens accept (1 to 3600), or null. */
export function parseSeconds(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= MIN_SECONDS && n <= MAX_SECONDS ? n : null;
}

/** A configuration value that is not a number of seconds between 1 and 3600. */
export class IdleSettingsError extends Error {}

/**
 * The delays from a shell's settings (command-line option or environment variable, as text; missing or
 * empty means the default). A value that is set but wrong is refused with a message naming `names`.
 */
export function idleDelaysFromSettings(
  settings: { idleSeconds?: string | undefined; countdownSeconds?: string | undefined },
  names: { idleSeconds: string; countdownSeconds: string },
): IdleDelays {
  const read = (key: keyof IdleDelays): number => {
    const text = settings[key];
    if (text === undefined || text.trim() === '') return defaultIdleDelays[key];
    const seconds = parseSeconds(text);
    if (seconds === null)
      throw new IdleSettingsError(
        `${names[key]} : « ${text} » n’est pas un nombre de secondes entre ${MIN_SECONDS} et ${MAX_SECONDS}.`,
      );
    return seconds;
  };
  return { idleSeconds: read('idleSeconds'), countdownSeconds: read('countdownSeconds') };
}

/** The names of the voter page's query parameters. */
export const IDLE_PARAM = 'idle';
export const COUNTDOWN_PARAM = 'countdown';

/** The query string of the voter page's address: `?idle=90&countdown=30`. */
export const idleQuery = (delays: IdleDelays): string =>
  `?${IDLE_PARAM}=${delays.idleSeconds}&${COUNTDOWN_PARAM}=${delays.countdownSeconds}`;
