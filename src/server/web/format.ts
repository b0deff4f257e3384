/**
 * French display of numbers, money and server timestamps for the web pages (Europe/Paris, the
 * Département's time zone), in one place so every page writes them the same way.
 */

const integer = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const euros = new Intl.NumberFormat('fr-FR', {
  style: 'currency',
  currency: 'EUR',
  maximumFractionDigits: 0,
});
const dateTime = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});
const dateOnly = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });

export const formatInteger = (n: number): string => integer.format(n);
export const formatEuros = (n: number): string => euros.format(n);

export function formatDateTime(iso: string | null): string {
  if (iso === null) return 'jamais';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTime.format(t);
}

export function formatDate(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateOnly.format(t);
}

/** "12,5 %" of a part in a whole; "—" when the whole is zero. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '—';
  return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format((100 * part) / whole)} %`;
}

/** French plural of a count: `plural(2, 'bulletin')` → "2 bulletins". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatInteger(n)} ${Math.abs(n) >= 2 ? pluralForm : singular}`;
}
