/**
 * The sync of one open kiosk: its outbox (sealing, closing the day, USB export, purge, status:
 * outbox.ts) and its uploader (the background loop, rounds, acks, register pull, election refresh:
 * uploader.ts), over one sync store. `openKiosk` creates one, passes `sealFull` to every cast, starts the
 * loop and stops it at `close()`; the shell and the tests reach it as `kiosk.sync`.
 */
import type { SyncStatus } from '../../../shared/api';
import type { Result } from '../../../shared/result';
import type { KioskContext } from '../context';
import type { FetchLike } from './http';
import { Outbox } from './outbox';
import { SyncStore } from './sync-store';
import { Uploader, type RoundOutcome, type SyncOptions } from './uploader';
import type { UsbWriteOptions } from './usb-writer';

export type { RoundOutcome, SyncOptions } from './uploader';

export class SyncEngine {
  readonly syncStore: SyncStore;
  readonly outbox: Outbox;
  readonly uploader: Uploader;

  constructor(context: KioskContext, options: SyncOptions = {}) {
    this.syncStore = new SyncStore(context.store);
    this.outbox = new Outbox(context, this.syncStore);
    this.uploader = new Uploader(context, this.syncStore, () => void this.outbox.sealFull());
    this.configure(options);
  }

  /** Changes the tunables (tests, or a shell reading its configuration); takes effect at the next round. */
  configure(options: SyncOptions): void {
    const { batchSize, ...uploader } = options;
    if (batchSize !== undefined) this.outbox.batchSize = Math.max(1, Math.floor(batchSize));
    this.uploader.configure(uploader);
  }

  /**
   * Starts the background loop (idempotent). The first round comes on a later turn of the event loop, so
   * a `configure` right after opening the kiosk applies to it (batch size, timeouts).
   */
  start(): void {
    this.uploader.start();
  }

  /** Stops the loop and waits for the round in flight to end (its writes are transactions). */
  stop(): Promise<void> {
    return this.uploader.stop();
  }

  /** True while the background loop runs (until `stop()` has fully ended it). */
  get looping(): boolean {
    return this.uploader.looping;
  }

  /** Wakes the loop now (mediator's "Synchroniser", a day closed, or the network came back). */
  kick(): void {
    this.uploader.kick();
  }

  /** One round, never two at once (the loop and a mediator's click share it). */
  runRound(): Promise<RoundOutcome> {
    return this.uploader.runRound();
  }

  /** The mediator's "Synchroniser": a round now, even if blocked, then the status. */
  async syncNow(): Promise<SyncStatus> {
    await this.uploader.syncNow();
    return this.status();
  }

  /** Seals every full batch (every cast calls it inside its own transaction). */
  sealFull(): number {
    return this.outbox.sealFull();
  }

  /** Closing the day: seal everything waiting, the last batch `final` with the day's counts; then send. */
  closeDay(day?: string): Result<{ day: string; ballots: number; participations: number }> {
    const closed = this.outbox.closeDay(day);
    if (closed.ok) this.kick();
    return closed;
  }

  exportUsb(
    input: { folder: string; all: boolean },
    writeOptions: UsbWriteOptions = {},
  ): Promise<Result<{ written: number; skipped: number; folder: string }>> {
    return this.outbox.exportUsb(input, writeOptions);
  }

  purgeAcked(): Result<{ purged: number }> {
    return this.outbox.purgeAcked();
  }

  confirmPendingElection(): Result<{ electionId: string }> {
    return this.uploader.electionUpdates.confirmPending();
  }

  status(): SyncStatus {
    return this.outbox.status();
  }

  /** What enrolment uses to reach the server: the same fetch (tests) and timeout as the uploads. */
  enrolHttp(): { fetch?: FetchLike; timeoutMs: number } {
    return this.uploader.enrolHttp();
  }
}
