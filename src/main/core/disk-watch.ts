/**
 * Whether the disk under the kiosk's database is full, for the mediator's screen: set when a write was
 * refused for lack of space, cleared by the next write that succeeds or once the folder has room again
 * (the mediator freed some, or the system did). Nothing is written while it is set: a refused cast
 * rolled back whole, and the voter is told their vote was not recorded.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { kioskMethods, type KioskHandlers, type KioskMethod } from '../../shared/api';
import { err, type Result } from '../../shared/result';
import { isDiskFull } from '../../shared/node/sqlite';

/** Free bytes beside the database that count as room again (a few casts' worth of WAL, and more). */
const ROOM_AGAIN_BYTES = 1024 * 1024;

export const DISK_FULL_MESSAGE =
  'Le disque du kiosque est plein : votre vote n’a pas été enregistré, rien n’est perdu de ce qui était ' +
  'déjà enregistré. Appelez le médiateur.';

/** What any other action the disk refused answers (a mediator's, a setup step…). */
export const DISK_FULL_ACTION_MESSAGE =
  'Le disque du kiosque est plein : rien n’a été enregistré. Libérez de la place ou appelez l’équipe ' +
  'centrale, puis réessayez.';

export class DiskWatch {
  private fullSince: Date | null = null;

  constructor(readonly dbPath: string) {}

  noteFull(at: Date): void {
    this.fullSince ??= at;
  }

  noteWritten(): void {
    this.fullSince = null;
  }

  /** True while the last write was refused for lack of space and the folder has no room yet. */
  full(): boolean {
    if (this.fullSince === null) return false;
    try {
      const fs = statfsSync(dirname(this.dbPath));
      if (fs.bavail * fs.bsize >= ROOM_AGAIN_BYTES) this.fullSince = null;
    } catch {
      // The folder cannot be read: keep saying what was last seen.
    }
    return this.fullSince !== null;
  }
}

type AnyHandler = (input: unknown) => Promise<Result<unknown>> | Result<unknown>;

/**
 * Handlers whose write the disk refused for lack of space answer `disk_full` (noted for the status)
 * instead of throwing into the transport's generic `internal`. Every write is a transaction: nothing
 * of the refused action was kept. Other failures pass through unchanged.
 */
export function answerDiskFull(handlers: KioskHandlers, disk: DiskWatch, now: () => Date): KioskHandlers {
  const refuse = (cause: unknown): Result<never> => {
    if (!isDiskFull(cause, disk.dbPath)) throw cause;
    disk.noteFull(now());
    return err('disk_full', DISK_FULL_ACTION_MESSAGE);
  };
  const wrapped: Partial<Record<KioskMethod, AnyHandler>> = {};
  for (const method of kioskMethods) {
    const inner = handlers[method] as AnyHandler;
    wrapped[method] = (input) => {
      try {
        const answer = inner(input);
        return answer instanceof Promise ? answer.catch(refuse) : answer;
      } catch (cause) {
        return refuse(cause);
      }
    };
  }
  return wrapped as KioskHandlers;
}
