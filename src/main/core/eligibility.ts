/**
 * Who may vote (DESIGN §1, §3.2): a resident of the département, aged `minAge` or more on the day of the
 * vote (the kiosk's local date in Europe/Paris), who has not voted yet. The names only serve to compute
 * the participation token and are dropped as soon as it is made; nothing here stores them.
 *
 * Birthdays on 29 February: in a year without one, the birthday is taken as 1 March (the person becomes
 * one year older the day after 28 February). This is the reading used by French administrations for the
 * age of majority, and it never lets anyone vote before they have really reached the age.
 */
import { err, ok, type Result } from '../../shared/result';
import { normaliseName } from '../../shared/text';
import { ageBrackets, type AgeBracket, type ElectionPackage } from '../../shared/wire';
import { participationTokenAsync } from '../../shared/node/crypto';
import type { CommuneDirectory } from './communes';
import type { KioskStore } from './store';

export const KIOSK_TIME_ZONE = 'Europe/Paris';

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: KIOSK_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The kiosk's local calendar date, YYYY-MM-DD, in Europe/Paris whatever the machine's zone. */
export function localDay(now: Date): string {
  return dayFormat.format(now);
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** A real calendar date (no 30 February), or null. */
export function parseCalendarDate(text: string): CalendarDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day)
    return null;
  return { year, month, day };
}

/** Completed years on `today` (see the 29 February note above: it falls out of this comparison). */
export function ageOn(birth: CalendarDate, today: CalendarDate): number {
  const birthdayPassed = today.month > birth.month || (today.month === birth.month && today.day >= birth.day);
  return today.year - birth.year - (birthdayPassed ? 0 : 1);
}

const BRACKET_FLOORS: ReadonlyArray<[number, AgeBracket]> = [
  [76, '76+'],
  [61, '61-75'],
  [41, '41-60'],
  [26, '26-40'],
  [18, '18-25'],
];

/** The statistics bracket of an age (anyone under 18 counts in "11-17"). */
export function ageBracketFor(age: number): AgeBracket {
  for (const [floor, bracket] of BRACKET_FLOORS) if (age >= floor) return bracket;
  return ageBrackets[0];
}

export interface EligibilityRequest {
  communeCode: string;
  birthDate: string;
  familyName: string;
  firstName: string;
}

export interface Eligible {
  /** The participation token (null in training mode: a practice vote leaves no token behind). */
  token: string | null;
  communeCode: string;
  ageBracket: AgeBracket;
  territoryId: string | null;
}

export interface EligibilityContext {
  store: KioskStore;
  communes: CommuneDirectory;
  election: ElectionPackage;
  /** Needed for real votes only. */
  participationKey: string | null;
  training: boolean;
  now: Date;
}

export const alreadyVotedMessage =
  'Une participation à ce nom existe déjà pour cette consultation : on ne peut voter qu’une fois. ' +
  'Si vous pensez que c’est une erreur, parlez-en au médiateur, il préviendra l’équipe centrale.';

/**
 * Checks every rule in the order a person would fix them; the names never leave this function. The
 * token's scrypt (the package's `tokenKdf`, hundreds of milliseconds by design) runs off the event loop.
 */
export async function checkEligibility(
  ctx: EligibilityContext,
  request: EligibilityRequest,
): Promise<Result<Eligible>> {
  const family = normaliseName(request.familyName);
  const first = normaliseName(request.firstName);
  if (family.length === 0 || first.length === 0)
    return err('name_missing', 'Indiquez votre nom et votre prénom, s’il vous plaît.');

  const today = parseCalendarDate(localDay(ctx.now));
  const birth = parseCalendarDate(request.birthDate);
  if (!today || !birth || birth.year < 1900 || request.birthDate > localDay(ctx.now))
    return err(
      'birth_date_invalid',
      'Cette date de naissance n’est pas valide. Vérifiez le jour, le mois et l’année.',
    );

  const commune = ctx.communes.lookup(request.communeCode);
  if (!commune.ok) return commune;

  const age = ageOn(birth, today);
  if (age < ctx.election.minAge)
    return err(
      'too_young',
      `Ce vote est ouvert à partir de ${ctx.election.minAge} ans. Merci de votre intérêt, revenez l’an prochain !`,
      { minAge: ctx.election.minAge },
    );

  let token: string | null = null;
  if (!ctx.training) {
    if (!ctx.participationKey)
      return err(
        'not_enrolled',
        'Ce kiosque n’est pas encore prêt à recevoir des votes. Appelez le médiateur.',
      );
    token = await participationTokenAsync(
      ctx.participationKey,
      family,
      first,
      request.birthDate,
      ctx.election.tokenKdf,
    );
    if (ctx.store.hasRealParticipation(token)) return err('already_voted', alreadyVotedMessage);
  }
  return ok({
    token,
    communeCode: commune.value.code,
    ageBracket: ageBracketFor(age),
    territoryId: ctx.election.communeTerritories?.[commune.value.code] ?? null,
  });
}
