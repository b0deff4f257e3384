/**
 * The state of one recount as it reads the bundle line by line: the report being filled, what was read
 * so far (header, election, results), each kiosk's chain, and the sets that catch a repeat. Every check
 * of this folder reads and updates it; nothing else does.
 */
import type { KeyObject } from 'node:crypto';
import type { HeaderLine, KioskLine, ParticipationSummary } from '../../shared/audit-bundle';
import type { Results, Tally } from '../../shared/tally';
import type { ElectionPackage } from '../../shared/wire';
import type { VerifyOptions, VerifyReport } from './report';

export interface KioskState {
  line: KioskLine;
  key: KeyObject | null;
  lastSeq: number;
  /** Hash of the last batch's payload; null after a bad signature (its bytes prove nothing). */
  head: string | null;
  seenBatches: number;
  /** Seq of the kiosk's real final batch once read: nothing real may follow it. */
  finalSeq: number | null;
  /** Payload hash of each stored seq whose signature verified (index seq - 1): a conflict must differ. */
  hashes: (string | null)[];
  /** Counted and held batches' receipt times, judged against the conflicts at the end (they come last). */
  counted: { seq: number; at: number }[];
  held: { seq: number; at: number }[];
  /** Receipt time of the earliest conflict line that proves an equivocation, if any. */
  conflictAt: { at: number; text: string } | null;
}

export interface Recount {
  options: VerifyOptions;
  report: VerifyReport;
  /** The report's own lists, named for brevity. */
  errors: string[];
  warnings: string[];
  header: HeaderLine | null;
  election: ElectionPackage | null;
  tally: Tally | null;
  published: Results | null;
  /** The bundle's participation line, once read. */
  participation: ParticipationSummary | null;
  /**
   * Each batch line's signed participation count, by "kioskId seq", for the participation line's check;
   * null when its signature or content failed (already named: nothing to compare).
   */
  batchParticipations: Map<string, number | null>;
  afterSeal: boolean;
  sealChecked: boolean;
  authorityKey: string | null;
  kiosks: Map<string, KioskState>;
  lastKioskId: string;
  lastBatchKey: [string, number] | null;
  /** Receipt commitments seen so far: one receipt is one ballot, never in two batches. */
  ballotIds: Set<string>;
  projectIds: Set<string>;
  conflictKiosks: Set<string>;
  /** Index in the expected line order of the furthest line type read so far (-1: none yet). */
  stage: number;
}

export function newRecount(options: VerifyOptions): Recount {
  const errors: string[] = [];
  const warnings: string[] = [];
  return {
    options,
    report: {
      ok: false,
      errors,
      warnings,
      electionId: null,
      kiosks: 0,
      batches: { counted: 0, training: 0, held: 0 },
      conflicts: 0,
      ballots: 0,
      differences: [],
      sealed: false,
      recount: null,
      published: null,
    },
    errors,
    warnings,
    header: null,
    election: null,
    tally: null,
    published: null,
    participation: null,
    batchParticipations: new Map(),
    afterSeal: false,
    sealChecked: false,
    authorityKey: null,
    kiosks: new Map(),
    lastKioskId: '',
    lastBatchKey: null,
    ballotIds: new Set(),
    projectIds: new Set(),
    conflictKiosks: new Set(),
    stage: -1,
  };
}

/** A kiosk or ballot id as the messages name it. */
export const short = (id: string): string => `${id.slice(0, 8)}…`;
