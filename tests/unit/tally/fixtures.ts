/**
 * Test fixtures for the tally and the recount: a small but complete election package, and v2 ballot
 * documents built the way a kiosk builds them (choice sets sorted by content, receipts apart), each with
 * its participation document's items kept beside it for the tests (`participationsOf`).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Tally } from '../../../src/shared/tally';
import type { BatchPayload, ElectionPackage, WireChoices, WireParticipation } from '../../../src/shared/wire';
import { ElectionPackage as ElectionSchema, GENESIS_HASH, sortBallots } from '../../../src/shared/wire';

export const territories = [
  { id: 'arrageois', name: 'Arrageois' },
  { id: 'calaisis', name: 'Calaisis' },
  { id: 'lens-lievin', name: 'Lens-Liévin' },
];

export function sampleElection(overrides: Partial<ElectionPackage> = {}): ElectionPackage {
  const projects = [
    ['jardin-arras', 'arrageois', 12000, 'environnement'],
    ['repair-cafe', 'arrageois', 8000, 'economie-circulaire'],
    ['epicerie-calais', 'calaisis', 25000, 'alimentation'],
    ['velo-ecole', 'calaisis', 15000, 'mobilite'],
    ['tiers-lieu-lens', 'lens-lievin', 30000, 'culture'],
    ['ressourcerie', 'lens-lievin', 20000, 'economie-circulaire'],
  ] as const;
  return ElectionSchema.parse({
    v: 2,
    electionId: 'bc62-2024',
    title: 'Budget citoyen du Pas-de-Calais 2024',
    opensAt: '2024-09-01T00:00:00+02:00',
    closesAt: '2024-09-30T23:59:59+02:00',
    lateDeliveryHours: 48,
    minChoices: 1,
    maxChoices: 3,
    minAge: 11,
    department: '62',
    budget: 60000,
    territories,
    projects: projects.map(([id, territoryId, cost, theme]) => ({
      id,
      title: `Projet ${id}; "test"`,
      summary: 'Résumé',
      description: 'Description',
      territoryId,
      theme,
      carrier: 'Association',
      cost,
      image: `${id}.webp`,
    })),
    communeTerritories: { '62041': 'arrageois', '62193': 'calaisis', '62498': 'lens-lievin' },
    tieBreakSeed: 'tirage-2024',
    batchSize: 10,
    tokenKdf: { salt: 'c2VsLWRlLXRlc3QtaXNvbG9pcg', logN: 10, r: 8, p: 1 },
    ...overrides,
  });
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** One ballot as a v2 batch publishes it: its choices, sorted, and nothing else. */
export function ballot(choices: string[]): WireChoices {
  return [...choices].sort();
}

export function participation(
  communeCode = '62041',
  ageBracket: WireParticipation['ageBracket'] = '26-40',
  token = hex(32),
): WireParticipation {
  return { token, communeCode, ageBracket, assisted: false };
}

const items = new WeakMap<BatchPayload, WireParticipation[]>();

/** The participation document's items of a payload built here (sorted by token). */
export const participationsOf = (payload: BatchPayload): WireParticipation[] => items.get(payload) ?? [];

/** The participation document's exact bytes of a payload built here. */
export function participationBytes(kioskId: string, seq: number, list: WireParticipation[]): Buffer {
  return Buffer.from(JSON.stringify({ v: 2, kioskId, seq, items: list }), 'utf8');
}

export function batchPayload(
  kioskId: string,
  seq: number,
  ballots: WireChoices[],
  participations: WireParticipation[],
  options: { prevHash?: string; training?: boolean; electionId?: string; final?: boolean } = {},
): BatchPayload {
  const sorted = [...participations].sort((a, b) => (a.token < b.token ? -1 : 1));
  const digest = createHash('sha256')
    .update(participationBytes(kioskId, seq, sorted))
    .digest('hex');
  const payload: BatchPayload = {
    v: 2,
    electionId: options.electionId ?? 'bc62-2024',
    kioskId,
    seq,
    prevHash: options.prevHash ?? GENESIS_HASH,
    training: options.training ?? false,
    final: options.final ?? false,
    ballots: sortBallots(ballots),
    receipts: ballots.map(() => hex(32)).sort(),
    participations: { count: sorted.length, digest },
  };
  items.set(payload, sorted);
  return payload;
}

/** Adds a counted batch to a tally as the server does: the ballot document, then its participations. */
export function addCounted(tally: Tally, kioskId: string, payload: BatchPayload): void {
  tally.addBatch(kioskId, payload);
  tally.addParticipations(kioskId, payload.seq, participationsOf(payload));
}
