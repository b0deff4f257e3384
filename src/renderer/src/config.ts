/**
 * Runtime settings of the voter screens. The idle delays default to 90 s of inactivity then a 30 s
 * countdown; the shells put the configured ones in the page's address
 * (`?idle=<seconds>&countdown=<seconds>`: the harness's --idle-seconds / --countdown-seconds, Electron's
 * ISOLOIR_IDLE_SECONDS / ISOLOIR_COUNTDOWN_SECONDS), and tests shorten them the same way. Values
 * outside 1…3600 s are ignored.
 */
import {
  COUNTDOWN_PARAM,
  DEFAULT_COUNTDOWN_SECONDS,
  DEFAULT_IDLE_SECONDS,
  IDLE_PARAM,
  parseSeconds,
} from '../../shared/idle';

export interface ScreenConfig {
  idleMs: number;
  countdownMs: number;
}

export function readConfig(search: string): ScreenConfig {
  const params = new URLSearchParams(search);
  return {
    idleMs: (parseSeconds(params.get(IDLE_PARAM)) ?? DEFAULT_IDLE_SECONDS) * 1000,
    countdownMs: (parseSeconds(params.get(COUNTDOWN_PARAM)) ?? DEFAULT_COUNTDOWN_SECONDS) * 1000,
  };
}
