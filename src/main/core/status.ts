/** The kiosk's status as the screens see it (`getStatus`): identity, enrolment, election, mode, count. */
import type { DayStatus, KioskStatus } from '../../shared/api';
import type { ElectionPackage } from '../../shared/wire';
import { electionState } from './election';
import { localDay } from './eligibility';
import type { KeyRing } from './keys';
import { setupState } from './setup';
import { settingKeys, type KioskStore } from './store';

export interface StatusDeps {
  store: KioskStore;
  kioskId: string;
  keys: KeyRing;
  /** The kiosk has a mediator account (the setup's first step is done). */
  hasMediator: boolean;
  /** The counter's day (day.ts). */
  day: DayStatus;
  election: ElectionPackage | null;
  now: Date;
  /** The disk under the database refused a write for lack of space and has no room yet. */
  diskFull: boolean;
  /** The shell has a receipt printer (the core never prints; it only says so). */
  printer: boolean;
}

export const trainingOn = (store: KioskStore): boolean => store.getSetting(settingKeys.training) === '1';

export function kioskStatus({
  store,
  kioskId,
  keys,
  hasMediator,
  day,
  election: e,
  now,
  diskFull,
  printer,
}: StatusDeps): KioskStatus {
  return {
    kioskId,
    label: store.getSetting(settingKeys.label),
    enrolled: store.getSetting(settingKeys.authorityPublicKey) !== null && keys.hasParticipationKey(),
    state: electionState(e, now),
    training: trainingOn(store),
    election: e
      ? {
          electionId: e.electionId,
          title: e.title,
          opensAt: e.opensAt,
          closesAt: e.closesAt,
          minChoices: e.minChoices,
          maxChoices: e.maxChoices,
          minAge: e.minAge,
        }
      : null,
    // Real ballots are cast only while the election is open: its days hold its ballots and no other's.
    ballotsCast: e
      ? store.countBallotsBetween(localDay(new Date(e.opensAt)), localDay(new Date(e.closesAt)), false)
      : 0,
    setup: setupState(store, hasMediator),
    day,
    keysUnlocked: keys.unlocked(),
    printer,
    diskFull,
  };
}
