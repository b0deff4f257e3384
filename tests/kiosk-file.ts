/**
 * Reads what a kiosk's SQLite file holds, through a second, read-only connection, as a crash or a
 * mediator's diagnostic would find it: the open sets and the ballots sealed in stored batches, by the
 * same KioskStore code the kiosk uses (so tests need no SQL of their own).
 */
import { openDatabase } from '../src/shared/node/sqlite';
import { kioskMigrations } from '../src/main/core/migrations';
import { KioskStore, type BallotRow, type ParticipationRow } from '../src/main/core/store';

export interface KioskVotes {
  ballots: BallotRow[];
  participations: ParticipationRow[];
}

export function readKioskVotes(dbPath: string): KioskVotes {
  const store = new KioskStore(openDatabase(dbPath, kioskMigrations(), { readonly: true }));
  try {
    return { ballots: store.listBallots(), participations: store.listParticipations() };
  } finally {
    store.close();
  }
}

/** Real (non-training) and training counts of both. */
export function countKioskVotes(dbPath: string): {
  ballots: number;
  participations: number;
  trainingBallots: number;
  trainingParticipations: number;
} {
  const { ballots, participations } = readKioskVotes(dbPath);
  return {
    ballots: ballots.filter((b) => !b.training).length,
    participations: participations.filter((p) => !p.training).length,
    trainingBallots: ballots.filter((b) => b.training).length,
    trainingParticipations: participations.filter((p) => p.training).length,
  };
}
