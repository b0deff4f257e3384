/**
 * The methods of the typed API that sync implements (closeDay, enrol, getSyncStatus, syncNow, exportUsb,
 * purgeAckedBatches, confirmElection), over the kiosk's `SyncEngine`, which the caller owns (starts and
 * stops).
 */
import type { KioskHandlers } from '../../../shared/api';
import { ok } from '../../../shared/result';
import type { KioskContext } from '../context';
import { enrolKiosk } from './enrol';
import type { SyncEngine } from './engine';

export type SyncHandlers = Pick<
  KioskHandlers,
  'closeDay' | 'enrol' | 'getSyncStatus' | 'syncNow' | 'exportUsb' | 'purgeAckedBatches' | 'confirmElection'
>;

export function createSyncHandlers(context: KioskContext, engine: SyncEngine): SyncHandlers {
  return {
    closeDay: () => engine.closeDay(),

    enrol: async (input) => {
      const enrolled = await enrolKiosk(
        { context, ...engine.enrolHttp() },
        {
          serverUrl: input.serverUrl,
          code: input.code,
          label: input.label,
          authorityFingerprint: input.authorityFingerprint,
        },
      );
      if (!enrolled.ok) {
        context.audit('enrolment_refused', { code: enrolled.error.code });
        return enrolled;
      }
      engine.kick();
      return ok(context.status());
    },

    getSyncStatus: () => ok(engine.status()),

    syncNow: async () => ok(await engine.syncNow()),

    exportUsb: (input) => engine.exportUsb(input),

    purgeAckedBatches: () => engine.purgeAcked(),

    confirmElection: () => engine.confirmPendingElection(),
  };
}
