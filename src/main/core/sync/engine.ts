/**
 * The sync of one open kiosk: its outbox (sealing, closing the day, USB export, purge, status:
 * outbox.ts) and its uploader (the background loop, rounds, acks, register pull, election refresh:
 * uploader.ts), over one sync store. `openKiosk` creates one, passes `sealFull` to every cast, starts the
 * loop and stops it at `close()`; the shell and the tests reach it as `kiosk.sync`.
 */
import type { PendingCorrection, SyncStatus } from '../../../shared/api';
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
    // Every round first seals what the hold-back allows, then, past the election's close, the rest.
    this.uploader = new Uploader(context, this.syncStore, () => {
      this.outbox.sealFull();
      this.outbox.sealFinalIfClosed();
    });
    this.configure(options);
  }

  /** Changes the tunables (tests, or a shell reading its configuration); takes effect at the next round. */
  configure(options: SyncOptions): void {
    this.uploader.configure(options);
  }

  /**
   * Starts the background loop (idempotent). The first round comes on a later turn of the event loop, so
   * a `configure` right after opening the kiosk applies to it (timeouts). Past the election's close, the
   * final batch is sealed first, before anything is sent.
   */
  start(): void {
    this.outbox.sealFinalIfClosed();
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

  /** The hold-back: seals K ballots whenever 2K are open (every cast calls it inside its transaction). */
  sealFull(): number {
    return this.outbox.sealFull();
  }

  /** Past the election's close, seals everything open as the final batch (once). */
  sealFinalIfClosed(): number {
    return this.outbox.sealFinalIfClosed();
  }

  /** True once this election's final batch is sealed: casting is over on this kiosk. */
  finalSealed(): boolean {
    return this.outbox.finalSealed();
  }

  /** Closing the day seals nothing (the open ballots wait for the next day); it journals the counts. */
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

  /** The correction of the current election waiting for a mediator, or null. */
  pendingCorrection(): PendingCorrection | null {
    return this.uploader.electionUpdates.corrections.summary();
  }

  applyCorrection(): Result<{ electionId: string; revision: number }> {
    return this.uploader.electionUpdates.corrections.apply();
  }

  status(): SyncStatus {
    return {
      ...this.outbox.status(),
      pendingCorrectionRevision: this.uploader.electionUpdates.corrections.pendingRevision(),
    };
  }

  /** What enrolment uses to reach the server: the same fetch (tests) and timeout as the uploads. */
  enrolHttp(): { fetch?: FetchLike; timeoutMs: number } {
    return this.uploader.enrolHttp();
  }
}
