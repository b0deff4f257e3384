/**
 * The server's running count: one shared `Tally` (src/shared/tally.ts, the same code `verify` runs),
 * loaded from the store's counted batches at start and then incrementally, batch by batch, in storage
 * order, each ballot document with its participation document (kept apart, never published). `results()` is cached until a new counted batch or kiosk appears, so `GET /api/v1/results`
 * costs a lookup even at a million ballots. Commits by another process (the CLI's `import`) are seen
 * through SQLite's `data_version`.
 */
import { Tally, type Results } from '../shared/tally';
import type { BatchPayload, ParticipationDocument } from '../shared/wire';
import { tieBreakDrawKey } from '../shared/node/crypto';
import { currentElection } from './election';
import type { ServerStore } from './store';

export interface TallyCacheOptions {
  kioskSubtotalThreshold?: number;
}

/**
 * Decodes a stored payload. It was signature-checked and validated by `BatchPayload` before it was
 * stored, and the store passed its integrity check at opening: re-validating a million ballots at every
 * start would only cost time, so the JSON is trusted here (the recount in `verify` re-validates all).
 */
export const decodeStoredPayload = (payload: string): BatchPayload =>
  JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as BatchPayload;

/** Decodes a stored participation document, validated at ingest like the payload. */
export const decodeStoredParticipations = (document: string): ParticipationDocument =>
  JSON.parse(Buffer.from(document, 'base64url').toString('utf8')) as ParticipationDocument;

export class TallyCache {
  private tally: Tally | null = null;
  private electionId: string | null = null;
  private lastRowId = 0;
  private readonly kiosksSeen = new Set<string>();
  private cached: Results | null = null;
  private dirty = true;
  private dataVersion = -1;

  constructor(
    private readonly store: ServerStore,
    private readonly options: TallyCacheOptions = {},
  ) {}

  /** Our own connection committed something: look again at the next read. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Loads everything counted so far (at start, so the first request does not pay for it). */
  warm(): void {
    this.results();
  }

  /** The current results, or null before any election is published. */
  results(): Results | null {
    this.refresh();
    if (!this.tally) return null;
    this.cached ??= this.tally.results();
    return this.cached;
  }

  private refresh(): void {
    const version = this.store.dataVersion();
    if (!this.dirty && version === this.dataVersion) return;
    this.dirty = false;
    this.dataVersion = version;
    const election = currentElection(this.store);
    if (!election) {
      this.tally = null;
      this.cached = null;
      return;
    }
    if (election.electionId !== this.electionId || !this.tally) {
      this.tally = new Tally(election.pkg, {
        kioskSubtotalThreshold: this.options.kioskSubtotalThreshold ?? 10,
        drawKey: tieBreakDrawKey,
      });
      this.electionId = election.electionId;
      this.lastRowId = 0;
      this.kiosksSeen.clear();
      this.cached = null;
    }
    const tally = this.tally;
    for (const kiosk of this.store.kiosks()) {
      if (kiosk.electionId !== election.electionId || this.kiosksSeen.has(kiosk.kioskId)) continue;
      tally.addKiosk(kiosk.kioskId, kiosk.label);
      this.kiosksSeen.add(kiosk.kioskId);
      this.cached = null;
    }
    for (const batch of this.store.countedBatchesAfter(this.lastRowId)) {
      this.lastRowId = batch.rowId;
      const payload = decodeStoredPayload(batch.payload);
      if (payload.electionId !== election.electionId) continue;
      tally.addBatch(batch.kioskId, payload);
      const document = this.store.participationDocument(batch.kioskId, payload.seq);
      if (document !== null)
        tally.addParticipations(batch.kioskId, payload.seq, decodeStoredParticipations(document).items);
      this.cached = null;
    }
  }
}
