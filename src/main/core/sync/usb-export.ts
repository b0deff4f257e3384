/**
 * The mediator's USB export to a picked stick: the drive must be one `listDrives` finds now, the files go
 * into its `isoloir/` folder through the outbox (sealed batches, progress in the sync status), and the
 * answer says `ejectSafe` only once the files, that folder and the stick's root are synced, so "Vous
 * pouvez retirer la clé" is true when the screen shows it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { KioskHandlers, UsbExportResult } from '../../../shared/api';
import { err, ok, type Result } from '../../../shared/result';
import { listRemovableDrives, resolveDrive, type DriveSearch } from '../drives';
import type { SyncEngine } from './engine';
import { fsyncDirectory, type UsbWriteOptions } from './usb-writer';

/** The folder on the stick that holds a kiosk's files (the server's import reads it). */
export const USB_FOLDER = 'isoloir';

export async function exportToDrive(
  deps: { engine: SyncEngine; drives: () => DriveSearch },
  input: { driveId: string; all: boolean },
  writeOptions: UsbWriteOptions = {},
): Promise<Result<z.infer<typeof UsbExportResult>>> {
  const drive = resolveDrive(input.driveId, deps.drives());
  if (!drive.ok) return drive;
  const folder = path.join(drive.value, USB_FOLDER);
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (cause) {
    const reason = cause instanceof Error && 'code' in cause ? ` (${String(cause.code)})` : '';
    return err(
      'export_failed',
      `Impossible de créer le dossier « ${USB_FOLDER} » sur la clé${reason}. La clé est peut-être pleine ou protégée en écriture.`,
    );
  }
  const exported = await deps.engine.exportUsb({ folder, all: input.all }, writeOptions);
  if (!exported.ok) return exported;
  try {
    // The files were fsynced one by one; the folder's entries and the folder itself come last.
    fsyncDirectory(folder);
    fsyncDirectory(drive.value);
  } catch {
    return ok({ ...exported.value, ejectSafe: false });
  }
  return ok({ ...exported.value, ejectSafe: true });
}

export type UsbHandlers = Pick<KioskHandlers, 'listDrives' | 'exportUsb'>;

/** The drive picker's methods: the sticks found now, and the export to one of them. */
export function createUsbHandlers(deps: { engine: SyncEngine; drives: () => DriveSearch }): UsbHandlers {
  return {
    listDrives: () => ok(listRemovableDrives(deps.drives())),
    exportUsb: (input) => exportToDrive(deps, input),
  };
}
