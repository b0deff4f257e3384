/**
 * The kiosk's end-of-day backup to a USB stick (src/shared/kiosk-backup.ts): the signed batches the
 * server has not acknowledged, sealed to the central team's X25519 key named in the signed election
 * package (`backupPublicKey`), so that a kiosk broken before it synced loses none of its sealed votes and
 * the stick, lost or read by anyone else, gives nothing away. Ballots still waiting for their batch are
 * not in it (the format says why). The file of a day is replaced by a later backup of the same day.
 */
import type { DayStatus, KioskHandlers } from '../../shared/api';
import { kioskBackupFileName, type KioskBackup } from '../../shared/kiosk-backup';
import { err, ok, type Result } from '../../shared/result';
import { seal } from '../../shared/node/sealed-box';
import type { KioskContext } from './context';
import { localDay } from './eligibility';
import type { SyncStore } from './sync/sync-store';
import { writeFileDurably } from './sync/usb-writer';

export interface BackupDeps {
  context: KioskContext;
  syncStore: SyncStore;
}

export interface BackupWritten {
  file: string;
  batches: number;
}

/** The backup's clear content: the unacknowledged batches, in seq order. */
export function kioskBackup(deps: BackupDeps, electionId: string): KioskBackup {
  return {
    v: 1,
    kioskId: deps.context.identity.kioskId,
    electionId,
    createdAt: deps.context.now().toISOString(),
    batches: deps.syncStore.waitingBatches().map((batch) => batch.envelope),
  };
}

/** Seals the backup of `day` into `folder` (a stick's folder, already resolved). */
export function writeKioskBackup(deps: BackupDeps, folder: string, day: string): Result<BackupWritten> {
  const election = deps.context.election();
  if (!election?.backupPublicKey)
    return err(
      'backup_unavailable',
      'Cette consultation ne prévoit pas de sauvegarde chiffrée sur clé USB : rien n’a été écrit.',
    );
  const backup = kioskBackup(deps, election.electionId);
  const sealed = seal(Buffer.from(JSON.stringify(backup), 'utf8'), election.backupPublicKey);
  const name = kioskBackupFileName(backup.kioskId, day);
  let file: string;
  try {
    file = writeFileDurably(folder, name, sealed);
  } catch (cause) {
    const reason = cause instanceof Error && 'code' in cause ? ` (${String(cause.code)})` : '';
    return err(
      'usb_write_failed',
      `La sauvegarde n’a pas pu être écrite sur la clé${reason}. Vérifiez la clé puis réessayez.`,
    );
  }
  deps.context.audit('backup_written', { day, batches: backup.batches.length });
  return ok({ file, batches: backup.batches.length });
}

export interface BackupAfterExportDeps extends BackupDeps {
  /** The counter's day; undefined while the kiosk keeps none. */
  day: () => DayStatus | undefined;
  resolveDrive: (driveId: string) => Result<string>;
}

/**
 * The USB export, followed by the sealed backup on the same stick when the day is closed and the package
 * names a backup key. The export's answer is returned as it was: a backup that cannot be written is
 * logged and journaled, and the next export tries again.
 */
export function backupAfterExport(
  deps: BackupAfterExportDeps,
  exportUsb: KioskHandlers['exportUsb'],
): KioskHandlers['exportUsb'] {
  return async (input) => {
    const exported = await exportUsb(input);
    const day = deps.day();
    if (!exported.ok || (day?.state ?? 'closed') !== 'closed' || !deps.context.election()?.backupPublicKey)
      return exported;
    const folder = deps.resolveDrive(input.driveId);
    const backup = folder.ok
      ? writeKioskBackup(deps, folder.value, day?.day ?? localDay(deps.context.now()))
      : folder;
    if (!backup.ok) {
      deps.context.log('backup_failed', { code: backup.error.code });
      deps.context.audit('backup_failed', { code: backup.error.code });
    }
    return exported;
  };
}
