/**
 * Calendar days in Europe/Paris turned into exact instants, for an election window given as "from 1
 * September to 30 September": opening at 00:00 Paris on the first day, closing at 24:00 Paris on the
 * last. Paris's offset (+01:00 or +02:00) comes from Intl's time-zone data, so a window across a clock
 * change gets a day of 23 or 25 hours, as it should.
 */

const offsetFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  timeZoneName: 'longOffset',
});

/** Paris's offset from UTC at an instant, in minutes (60 or 120). */
export function parisOffsetMinutes(instant: number): number {
  const name = offsetFormat.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

const formatOffset = (minutes: number): string => {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/** A `YYYY-MM-DD` that names a real calendar day, as [year, month, day]; null otherwise. */
export function parseDay(text: string): [number, number, number] | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d
    ? [y, m, d]
    : null;
}

/**
 * Midnight in Paris at the start of the day `days` after the given one, as ISO 8601 with Paris's offset
 * (`2027-09-01T00:00:00+02:00`). The offset is found by solving wall time = instant + offset: one step
 * from the UTC guess, a second when that step crossed a change (never at midnight in Paris, whose clocks
 * change at 02:00 and 03:00, so the answer exists and is unique).
 */
export function parisMidnightOf(day: [number, number, number], days = 0): string {
  const [y, m, d] = day;
  const wall = Date.UTC(y, m - 1, d + days);
  let offset = parisOffsetMinutes(wall);
  offset = parisOffsetMinutes(wall - offset * 60_000);
  const date = new Date(wall).toISOString().slice(0, 10);
  return `${date}T00:00:00${formatOffset(offset)}`;
}

/** The window of an election open from `first` 00:00 to `last` 24:00, Paris time. */
export function parisWindow(first: string, last: string): { opensAt: string; closesAt: string } | null {
  const a = parseDay(first);
  const b = parseDay(last);
  if (!a || !b) return null;
  return { opensAt: parisMidnightOf(a), closesAt: parisMidnightOf(b, 1) };
}
