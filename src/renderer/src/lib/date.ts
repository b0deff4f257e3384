/**
 * The birth date as the voter types it (three fields: day, month, year) turned into `YYYY-MM-DD`,
 * refusing dates that do not exist (31 April, 29 February of a common year).
 */
export interface DateParts {
  day: string;
  month: string;
  year: string;
}

export type DateCheck = { kind: 'ok'; iso: string } | { kind: 'incomplete' } | { kind: 'invalid' };

export function checkDate(parts: DateParts): DateCheck {
  const { day, month, year } = parts;
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year))
    return { kind: 'incomplete' };
  const d = Number(day);
  const m = Number(month);
  const y = Number(year);
  if (y < 1900 || m < 1 || m > 12 || d < 1) return { kind: 'invalid' };
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > daysInMonth) return { kind: 'invalid' };
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return { kind: 'ok', iso };
}
