/**
 * Test fixtures for the tally and the recount: a small but complete election package, and batch
 * payloads built the way a kiosk builds them (ballots and participations sorted by id/token).
 */
import { randomBytes } from 'node:crypto';
import type { BatchPayload, ElectionPackage, WireBallot, WireParticipation } from '../../../src/shared/wire';
import { ElectionPackage as ElectionSchema, GENESIS_HASH } from '../../../src/shared/wire';

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
    v: 1,
    electionId: 'bc62-2024',
    title: 'Budget citoyen du Pas-de-Calais 2024',
    opensAt: '2024-09-01T00:00:00+02:00',
    closesAt: '2024-09-30T23:59:59+02:00',
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
    ...overrides,
  });
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export function ballot(choices: string[], id = hex(16)): WireBallot {
  return { id, choices: [...choices].sort() };
}

export function participation(
  communeCode = '62041',
  ageBracket: WireParticipation['ageBracket'] = '26-40',
  token = hex(32),
): WireParticipation {
  return { token, communeCode, ageBracket, assisted: false };
}

export function batchPayload(
  kioskId: string,
  seq: number,
  ballots: WireBallot[],
  participations: WireParticipation[],
  options: { prevHash?: string; training?: boolean; electionId?: string } = {},
): BatchPayload {
  return {
    v: 1,
    electionId: options.electionId ?? 'bc62-2024',
    kioskId,
    seq,
    prevHash: options.prevHash ?? GENESIS_HASH,
    createdAt: '2024-09-02T10:00:00+02:00',
    training: options.training ?? false,
    ballots: [...ballots].sort((a, b) => (a.id < b.id ? -1 : 1)),
    participations: [...participations].sort((a, b) => (a.token < b.token ? -1 : 1)),
    final: false,
  };
}
