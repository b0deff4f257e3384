/**
 * The mediator's own methods of the typed API: the accounts (first account, unlock, lock, add, remove,
 * change PIN), the recovery of every account from a reset the central team signed (mediator-recovery.ts
 * checks it), and the training switch. mediator.ts holds the rules of the accounts and the keys.
 */
import type { KioskHandlers, KioskStatus } from '../../shared/api';
import { err, ok } from '../../shared/result';
import type { Audit, KioskLog } from './context';
import type { CounterDay } from './day';
import type { KeyRing } from './keys';
import type { MediatorAccounts } from './mediator';
import { openMediatorReset, readResetFromDrive } from './mediator-recovery';
import type { MediatorStore } from './mediator-store';
import type { SessionRegistry } from './sessions';
import { trainingOn } from './status';
import { settingKeys, type KioskStore } from './store';

export type MediatorHandlers = Pick<
  KioskHandlers,
  | 'mediatorStatus'
  | 'unlockMediator'
  | 'lockMediator'
  | 'recoverMediators'
  | 'createFirstMediator'
  | 'addMediator'
  | 'removeMediator'
  | 'changeMediatorPin'
  | 'setTraining'
>;

export interface MediatorHandlerDeps {
  store: KioskStore;
  kioskId: string;
  mediator: MediatorAccounts;
  accounts: MediatorStore;
  keys: KeyRing;
  /** The counter's day: whoever unlocks the kiosk is on duty on its reports. */
  day: Pick<CounterDay, 'noteMediatorOnDuty'>;
  /** Voter sessions: cleared when training is switched, so none casts in the other mode. */
  sessions: Pick<SessionRegistry, 'clear'>;
  now: () => Date;
  audit: Audit;
  log: KioskLog;
  status: () => KioskStatus;
}

export function createMediatorHandlers(deps: MediatorHandlerDeps): MediatorHandlers {
  const { store, mediator, accounts, keys, now, audit } = deps;
  return {
    mediatorStatus: () => ok(mediator.status()),

    unlockMediator: async ({ accountId, pin }) => {
      const unlocked = await mediator.unlock(accountId, pin);
      if (unlocked.ok && unlocked.value.current) deps.day.noteMediatorOnDuty(unlocked.value.current.name);
      return unlocked;
    },

    lockMediator: () => mediator.lock(),

    recoverMediators: async ({ source, driveId, name, pin }) => {
      if (source === 'online' || !driveId)
        return err('not_implemented', 'Pas encore disponible sur ce kiosque.');
      const document = readResetFromDrive(driveId, deps.kioskId);
      if (!document.ok) return document;
      const opened = openMediatorReset(
        {
          kioskId: deps.kioskId,
          authorityPublicKey: store.getSetting(settingKeys.authorityPublicKey),
          accounts,
          keys,
          now: now(),
        },
        document.value,
      );
      if (!opened.ok) {
        audit('mediator_reset_refused', { reason: opened.error.code });
        return opened;
      }
      return mediator.replaceAll(name, pin, opened.value.dataKey, () =>
        accounts.useNonce(opened.value.nonce, now().toISOString()),
      );
    },

    createFirstMediator: ({ name, pin }) => mediator.createFirst(name, pin),
    addMediator: ({ name, pin }) => mediator.add(name, pin),
    removeMediator: ({ accountId }) => mediator.remove(accountId),
    changeMediatorPin: ({ currentPin, pin }) => mediator.changePin(currentPin, pin),

    setTraining: ({ training: on }) => {
      if (on !== trainingOn(store)) {
        store.transaction(() => {
          store.setSetting(settingKeys.training, on ? '1' : '0');
          audit('training_changed', { training: on });
        });
        // A voter session opened in one mode must not cast in the other.
        deps.sessions.clear();
        deps.log('training_changed', { training: on });
      }
      return ok(deps.status());
    },
  };
}
