/**
 * The kiosk's outbox and day: sealing with the hold-back (every cast asks, inside its own transaction),
 * the final seal at the election's close, closing the day (which seals nothing), the USB export of the
 * sealed batches,
 * the audited purge of acked batches once the result is certified, and the sync status the mediator
 * sees. Nothing here talks to the network: the uploader (uploader.ts) sends what this seals.
 */
import type { SyncStatus } from '../../../shared/api';
import { err, ok, type Result } from '../../../shared/result';
import { usbFileName } from '../../../shared/wire';
import { appendAudit, type AuditDetail } from '../audit';
import type { KioskContext } from '../context';
import { electionState } from '../election';
import { localDay } from '../eligibility';
import type { KioskIdentity } from '../identity';
import { settingKeys, type KioskStore } from '../store';
import { sealFinal, sealHeldBack, type BatcherDeps } from './batcher';
import { syncStateKeys, type SyncStore } from './sync-store';
import { writeUsbFiles, type UsbWriteOptions } from './usb-writer';

const MSG = {
  blockedConflict:
    'Le serveur a déjà un autre lot sous le même numéro : l’envoi est arrêté. Appelez l’équipe centrale ; rien n’est effacé.',
  purgeNotAcked:
    'Des lots ou des votes ne sont pas encore reçus par le serveur central : rien n’a été effacé. Clôturez la journée et synchronisez d’abord.',
  purgeOpen:
    'La consultation n’est pas close sur ce kiosque : les lots ne peuvent être effacés qu’après la clôture, une fois le résultat certifié.',
  purged:
    'Les lots de cette consultation ont été effacés après la certification du résultat : ce kiosque ne peut plus rien sceller ni envoyer pour elle.',
} as const;

export class Outbox {
  readonly store: KioskStore;
  readonly identity: KioskIdentity;
  private readonly now: () => Date;
  /** True once the acked batches were purged (the chain's head is gone: nothing may be sealed again). */
  private purged: boolean | undefined = undefined;
  /** The USB export in progress, shown by the status (polled by the screen during the export). */
  private usbProgress: { done: number; total: number } | null = null;

  constructor(
    private readonly context: KioskContext,
    readonly syncStore: SyncStore,
  ) {
    this.store = context.store;
    this.identity = context.identity;
    this.now = context.now;
  }

  batcherDeps(): BatcherDeps {
    return {
      syncStore: this.syncStore,
      kioskId: this.identity.kioskId,
      sign: (domain, value) => this.identity.signDocument(domain, value),
      openReceipt: (sealed) => this.context.keys.openReceiptLink(sealed),
      election: () => {
        const election = this.context.election();
        return election ? { electionId: election.electionId, batchSize: election.batchSize } : null;
      },
      onSealed: (b) =>
        this.audit('batch_sealed', { seq: b.seq, ballots: b.payload.ballots.length, final: b.payload.final }),
    };
  }

  /**
   * The hold-back, for both modes: seals K of the open ballots whenever 2K are open (the election's K).
   * Called by every cast, inside its transaction, and by every sync round (one cheap count first).
   */
  sealFull(): number {
    const k = this.context.election()?.batchSize;
    if (k === undefined) return 0;
    if (this.store.countOpenBallots(false) < 2 * k && this.store.countOpenBallots(true) < 2 * k) return 0;
    if (this.chainPurged()) return 0;
    const deps = this.batcherDeps();
    return sealHeldBack(deps, false).length + sealHeldBack(deps, true).length;
  }

  /**
   * The election's close: once the kiosk clock is past `closesAt`, everything open is sealed as the
   * kiosk's final batch (training apart, in its own). Checked when the kiosk starts and at every sync
   * round; does nothing before the close or once the final batch exists.
   */
  sealFinalIfClosed(): number {
    const election = this.context.election();
    if (!election || this.now().getTime() < Date.parse(election.closesAt)) return 0;
    if (this.syncStore.finalSealed(election.electionId) || this.chainPurged()) return 0;
    // Sealing signs: with the keys locked (no mediator since the start), the next round after an
    // unlock seals it.
    if (!this.context.keys.unlocked()) return 0;
    const built = sealFinal(this.batcherDeps());
    this.audit('election_final_sealed', { batches: built.length });
    return built.length;
  }

  /** True once this election's final batch is sealed: no more casts nor batches for it. */
  finalSealed(): boolean {
    const election = this.context.election();
    return election !== null && this.syncStore.finalSealed(election.electionId);
  }

  /**
   * After a purge the chain's head is gone: a batch sealed now would restart at seq 1 and be an
   * equivocation at the server. The purge is journaled, so this holds across restarts.
   */
  private chainPurged(): boolean {
    if (this.purged) return true;
    if (this.syncStore.head() !== null) return false;
    this.purged ??= this.store
      .listAuditEvents()
      .some(
        (e) => e.kind === 'batches_purged' && (JSON.parse(e.detail) as { batches?: number }).batches !== 0,
      );
    return this.purged;
  }

  /** The kiosk's calendar day, computed exactly as a ballot's cast day is. */
  today(): string {
    return localDay(this.now());
  }

  /**
   * Closing the day seals nothing: the open ballots stay durable on the kiosk and wait for the next day
   * (a partial batch would publish a group smaller than K). It journals the day's counts, for reports.
   */
  closeDay(day = this.today()): Result<{ day: string; ballots: number; participations: number }> {
    if (this.chainPurged()) return err('sync_blocked', MSG.purged);
    if (!this.context.election())
      return err('not_ready', 'Aucune consultation n’est chargée : rien à clôturer.');
    const counts = { day, ...this.store.dayCounts(day, false) };
    this.audit('day_closed', { day, ballots: counts.ballots, participations: counts.participations });
    return ok(counts);
  }

  // ------------------------------------------------------------ USB export

  /**
   * Writes every batch not yet acked (or all) to `folder` as v2 envelope files (`usbFileName`); what the
   * hold-back or the election's close would seal is sealed first. A second run after a failure completes without duplicates.
   */
  async exportUsb(
    input: { folder: string; all: boolean },
    writeOptions: UsbWriteOptions = {},
  ): Promise<Result<{ written: number; skipped: number; folder: string }>> {
    this.sealFull();
    this.sealFinalIfClosed();
    const batches = input.all ? this.syncStore.allBatches() : this.syncStore.waitingBatches();
    const files = batches.map((b) => ({
      name: usbFileName(this.identity.kioskId, b.seq),
      bytes: Buffer.from(b.envelopeText, 'utf8'),
    }));
    this.usbProgress = { done: 0, total: files.length };
    const result = await writeUsbFiles(input.folder, files, {
      ...writeOptions,
      onProgress: (done, total) => {
        this.usbProgress = { done, total };
        writeOptions.onProgress?.(done, total);
      },
    }).finally(() => {
      this.usbProgress = null;
    });
    this.audit(result.ok ? 'usb_export' : 'usb_export_failed', {
      batches: files.length,
      ...(result.ok ? { written: result.value.written, skipped: result.value.skipped } : {}),
    });
    return result.ok ? ok({ ...result.value, folder: input.folder }) : result;
  }

  /**
   * Explicit, audited purge of acked batches, once the central team has certified the result: refused
   * while anything is not yet received by the server, and while the election is not closed by the kiosk
   * clock (a result is certified only after closing). After it, nothing more can be sealed.
   */
  purgeAcked(): Result<{ purged: number }> {
    const refuse = (reason: string, message: string): Result<never> => {
      this.audit('purge_refused', { reason });
      return err('not_ready', message);
    };
    const outbox = this.syncStore.countOutbox();
    if (this.syncStore.countWaiting() > 0 || outbox.ballots > 0 || outbox.participations > 0)
      return refuse('not_acked', MSG.purgeNotAcked);
    if (electionState(this.context.election(), this.now()) !== 'closed')
      return refuse('election_not_closed', MSG.purgeOpen);
    const purged = this.syncStore.transaction(() => {
      const n = this.syncStore.purgeAcked();
      appendAudit(this.store, this.now(), 'batches_purged', { batches: n });
      return n;
    });
    if (purged > 0) this.purged = true;
    this.context.log('batches_purged', { batches: purged });
    return ok({ purged });
  }

  // ------------------------------------------------------------ status

  status(): SyncStatus {
    const s = this.syncStore;
    const reachable = s.getState(syncStateKeys.serverReachable);
    const code = s.getState(syncStateKeys.lastErrorCode);
    const message = s.getState(syncStateKeys.lastErrorMessage);
    const pendingId = s.getState(syncStateKeys.pendingElectionId);
    const blocked = s.getState(syncStateKeys.blockedCode) !== null;
    const lastError = blocked
      ? { code: 'sync_blocked', message: s.getState(syncStateKeys.blockedMessage) ?? MSG.blockedConflict }
      : code && message
        ? { code, message }
        : pendingId
          ? {
              code: 'election_pending',
              message: `Une nouvelle consultation (${pendingId}) est proposée par le serveur : un médiateur doit la confirmer.`,
            }
          : null;
    return {
      serverUrl: this.serverUrl(),
      serverReachable: reachable === null ? null : reachable === 'true',
      batchesWaiting: s.countWaiting(),
      ballotsNotBatched: s.countOutbox().ballots,
      lastSuccessAt: s.getState(syncStateKeys.lastSuccessAt),
      lastError,
      blocked,
      usbExport: this.usbProgress,
      pendingElectionId: pendingId,
    };
  }

  /** Audit event with codes and counts only (never a token, a ballot id or a choice). */
  private audit(kind: string, detail: AuditDetail): void {
    this.context.audit(kind, detail);
  }

  private serverUrl(): string | null {
    return this.store.getSetting(settingKeys.serverUrl);
  }
}
