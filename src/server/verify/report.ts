/**
 * What a recount is asked (`VerifyOptions`) and what it answers (`VerifyReport`).
 */
import type { Results } from '../../shared/tally';

export interface VerifyOptions {
  /** Called as bytes are read: (bytesRead, totalBytes). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Authority public key pinned by the observer (base64url); without it the bundle's own is trusted. */
  authorityPublicKey?: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Each problem, in French, naming the kiosk/seq or the result path. */
  errors: string[];
  warnings: string[];
  electionId: string | null;
  kiosks: number;
  batches: { counted: number; training: number; held: number };
  conflicts: number;
  ballots: number;
  /** Differences between the published results and the recount ("chemin : publié X, recompté Y"). */
  differences: string[];
  /** The authority's seal verified and agreeing with the header, the registry and the results. */
  sealed: boolean;
  recount: Results | null;
  published: Results | null;
}
