/**
 * The methods of the typed API that sync implements (getSyncStatus, syncNow, purgeAckedBatches,
 * confirmElection, getCorrection, applyCorrection), over the kiosk's `SyncEngine`, which the caller owns (starts and stops).
 */
import type { KioskHandlers } from '../../../shared/api';
import { ok } from '../../../shared/result';
import type { KioskContext } from '../context';
import type { SyncEngine } from './engine';

export type SyncHandlers = Pick<
  KioskHandlers,
  'getSyncStatus' | 'syncNow' | 'purgeAckedBatches' | 'confirmElection' | 'getCorrection' | 'applyCorrection'
>;

export function createSyncHandlers(context: KioskContext, engine: SyncEngine): SyncHandlers {
  return {
    getSyncStatus: () => ok(engine.status()),

    syncNow: async () => ok(await engine.syncNow()),

    purgeAckedBatches: () => engine.purgeAcked(),

    confirmElection: () => engine.confirmPendingElection(),

    getCorrection: () => ok(engine.pendingCorrection()),

    applyCorrection: () => engine.applyCorrection(),
  };
}
