/**
 * Runtime settings of the voter screens. The idle delays default to 90 s of inactivity then a 30 s
 * countdown (issue 3); the browser harness and tests may shorten them with URL query parameters
 * `?idle=<seconds>&countdown=<seconds>` (e.g. `/?idle=3&countdown=2`). Values outside 1…3600 s are ignored.
 */
export interface ScreenConfig {
  idleMs: number;
  countdownMs: number;
}

export const DEFAULT_IDLE_SECONDS = 90;
export const DEFAULT_COUNTDOWN_SECONDS = 30;

function seconds(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n >= 1 && n <= 3600 ? n : fallback;
}

export function readConfig(search: string): ScreenConfig {
  const params = new URLSearchParams(search);
  return {
    idleMs: seconds(params.get('idle'), DEFAULT_IDLE_SECONDS) * 1000,
    countdownMs: seconds(params.get('countdown'), DEFAULT_COUNTDOWN_SECONDS) * 1000,
  };
}
