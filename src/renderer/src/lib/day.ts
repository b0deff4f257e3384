/**
 * What the welcome screen may offer, from the kiosk's status: only an open day (in the voting window)
 * lets a voter in; training lets mediators practise any day, in or out of the window. Also how a time
 * of day is said to a voter ("14 h", "14 h 30"; "2 pm" in English).
 */
import type { KioskStatus } from '../../../shared/api';

export type VoterEntry =
  'loading' | 'setup' | 'no_election' | 'open' | 'training' | 'paused' | 'day_closed' | 'not_open' | 'closed';

export function voterEntry(status: KioskStatus | null): VoterEntry {
  if (status === null) return 'loading';
  if (status.setup !== 'done') return 'setup';
  if (status.state === 'no_election' || status.election === null) return 'no_election';
  if (status.training) return 'training';
  if (status.state === 'not_open') return 'not_open';
  if (status.state === 'closed') return 'closed';
  if (status.day.state === 'paused') return 'paused';
  if (status.day.state === 'closed') return 'day_closed';
  return 'open';
}

/** A voter may start: an open day, or training. */
export const canVote = (entry: VoterEntry): boolean => entry === 'open' || entry === 'training';

/** "14 h", "14 h 05" in French; "2 pm", "2:05 pm" in English, in the kiosk's local time. */
export function sayTime(iso: string, language: string): string {
  const date = new Date(iso);
  const h = date.getHours();
  const m = date.getMinutes();
  if (language.startsWith('fr')) return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')}`;
  const suffix = h < 12 ? 'am' : 'pm';
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${h12} ${suffix}` : `${h12}:${String(m).padStart(2, '0')} ${suffix}`;
}

/** True when `iso` falls on the same local calendar day as `now`. */
export function sameDay(iso: string, now: Date): boolean {
  const d = new Date(iso);
  return (
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate()
  );
}

/** "lundi 2 septembre" / "Monday 2 September". */
export function sayDay(iso: string, language: string): string {
  return new Date(iso).toLocaleDateString(language.startsWith('fr') ? 'fr-FR' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  });
}

/** Today's date at `hhmm` ("14:30") in local time, as an ISO string with offset, or null if malformed. */
export function todayAt(hhmm: string, now: Date = new Date()): string | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!match) return null;
  const h = Number(match[1]);
  const m = Number(match[2]);
  if (h > 23 || m > 59) return null;
  const at = new Date(now.getFullYear(), now.getMonth(), now.getDate(), h, m, 0, 0);
  return localIso(at);
}

/** A local date ("2026-09-02") and time ("09:00") as an ISO string with the local offset, or null. */
export function localDateTime(day: string, hhmm: string): string | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!d || !t) return null;
  const at = new Date(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]), 0, 0);
  if (Number.isNaN(at.getTime()) || at.getDate() !== Number(d[3])) return null;
  return localIso(at);
}

function localIso(at: Date): string {
  const pad = (n: number): string => String(Math.abs(n)).padStart(2, '0');
  const offset = -at.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:` +
    `${pad(at.getMinutes())}:00${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}
