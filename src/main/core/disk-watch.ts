/**
 * Whether the disk under the kiosk's database is full, for the mediator's screen: set when a write was
 * refused for lack of space, cleared by the next write that succeeds or once the folder has room again
 * (the mediator freed some, or the system did). Nothing is written while it is set: a refused cast
 * rolled back whole, and the voter is told their vote was not recorded.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Free bytes beside the database that count as room again (a few casts' worth of WAL, and more). */
const ROOM_AGAIN_BYTES = 1024 * 1024;

export const DISK_FULL_MESSAGE =
  'Le disque du kiosque est plein : votre vote n’a pas été enregistré, rien n’est perdu de ce qui était ' +
  'déjà enregistré. Appelez le médiateur.';

export class DiskWatch {
  private fullSince: Date | null = null;

  constructor(private readonly dbPath: string) {}

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
