/**
 * The methods of the typed API this kiosk core does not implement yet: each answers `not_implemented`,
 * so every method of the contract has a handler and the screens can call them all. An entry leaves this
 * module when its real handler arrives.
 */
import type { KioskHandlers, KioskMethod } from '../../shared/api';
import { err, type Result } from '../../shared/result';

const pendingMethods = [] as const satisfies readonly KioskMethod[];

export type PendingHandlers = Pick<KioskHandlers, (typeof pendingMethods)[number]>;

const notImplemented = (): Result<never> => err('not_implemented', 'Pas encore disponible sur ce kiosque.');

export function createPendingHandlers(): PendingHandlers {
  return Object.fromEntries(pendingMethods.map((m) => [m, notImplemented])) as unknown as PendingHandlers;
}
