/**
 * The mediator methods of the typed API that sync implements (closeDay, enrol, getSyncStatus, syncNow,
 * exportUsb, purgeAckedBatches), over one `SyncEngine` per open kiosk. Creating them starts the
 * background upload loop with the kiosk's sync options (`KioskOptions.sync`); its first round comes on a
 * later turn of the event loop. The kiosk's `close()` stops it. `syncEngineOf(context)` gives the shell
 * and the tests the engine of an open kiosk (tunables, pending election confirmation).
 */
import { ok } from '../../../shared/result';
import type { KioskContext, SyncHandlers } from '../kiosk';
import { enrolKiosk } from './enrol';
import { SyncEngine, type SyncOptions } from './engine';

const engines = new WeakMap<KioskContext, SyncEngine>();

export function syncEngineOf(context: KioskContext): SyncEngine | null {
  return engines.get(context) ?? null;
}

export function createSyncHandlers(context: KioskContext, options: SyncOptions = {}): SyncHandlers {
  const engine = new SyncEngine(context, options);
  engines.set(context, engine);
  context.onClose(() => void engine.stop());
  engine.start();

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
  };
}
