/**
 * Real test data for the server web pages: a small election package and kiosks with real Ed25519 keys
 * producing real signed, chained v2 batches (docs/protocol.md) — the same bytes a kiosk would send. Used by the
 * server-*.spec.ts Playwright tests; nothing here is a mock of the server.
 */
import { randomBytes } from 'node:crypto';
import {
  drawReceiptCode,
  generateKeyPair,
  kioskIdFromPublicKey,
  payloadHash,
  receiptCommitment,
  sha256hex,
  signDocument,
  toBase64url,
  type KeyPair,
} from '../../src/shared/node/crypto';
import {
  GENESIS_HASH,
  sortBallots,
  type BatchEnvelope,
  type BatchPayload,
  type ElectionPackage,
  type WireParticipation,
} from '../../src/shared/wire';

const territories = [
  { id: 'arrageois', name: 'Arrageois' },
  { id: 'artois', name: 'Artois' },
  { id: 'audomarois', name: 'Audomarois' },
  { id: 'boulonnais', name: 'Boulonnais' },
  { id: 'calaisis', name: 'Calaisis' },
  { id: 'henin-carvin', name: 'Hénin-Carvin' },
  { id: 'lens-lievin', name: 'Lens-Liévin' },
  { id: 'montreuillois-ternois', name: 'Montreuillois-Ternois' },
];

const projectSeeds: [string, string, string, number][] = [
  ['ressourcerie-arras', 'Ressourcerie solidaire des quartiers d’Arras', 'arrageois', 45000],
  ['jardin-partage-lens', 'Jardin partagé et cuisine de quartier à Lens', 'lens-lievin', 30000],
  ['velo-ecole-calais', 'Vélo-école pour adultes à Calais', 'calaisis', 18000],
  ['epicerie-boulogne', 'Épicerie solidaire mobile du Boulonnais', 'boulonnais', 52000],
  ['repair-cafe-bethune', 'Repair café itinérant de l’Artois', 'artois', 12000],
  ['tiers-lieu-saint-omer', 'Tiers-lieu numérique à Saint-Omer', 'audomarois', 60000],
  ['cafe-senior-henin', 'Café des seniors « Cœur d’Hénin »', 'henin-carvin', 25000],
  ['ferme-pedagogique-montreuil', 'Ferme pédagogique du Montreuillois', 'montreuillois-ternois', 40000],
  ['atelier-couture-arras', 'Atelier couture et retouches solidaires', 'arrageois', 15000],
  ['bibliotheque-rue-calais', 'Bibliothèque de rue pour les enfants', 'calaisis', 9000],
];

export function testElection(now = new Date()): ElectionPackage {
  const day = 24 * 60 * 60 * 1000;
  return {
    v: 2,
    electionId: 'budget-citoyen-test',
    batchSize: 10,
    // Cheap for tests (the real cost is in the published package): one voter's token in milliseconds.
    tokenKdf: { salt: 'ZTJlLXRva2VuLXNhbHQtMTZieXRlcw', logN: 10, r: 8, p: 1 },
    title: 'Budget citoyen 2026 du Pas-de-Calais',
    opensAt: new Date(now.getTime() - day).toISOString(),
    closesAt: new Date(now.getTime() + 30 * day).toISOString(),
    lateDeliveryHours: 48,
    minChoices: 1,
    maxChoices: 3,
    minAge: 11,
    department: '62',
    budget: 120000,
    territories,
    projects: projectSeeds.map(([id, title, territoryId, cost]) => ({
      id,
      title,
      summary: `Résumé : ${title}.`,
      description: `Description du projet ${title}.`,
      territoryId,
      theme: 'Solidarité',
      carrier: 'Association de test',
      cost,
      image: 'data:image/webp;base64,AAAA',
    })),
    communeTerritories: {
      '62041': 'arrageois',
      '62193': 'calaisis',
      '62160': 'boulonnais',
      '62498': 'lens-lievin',
    },
  };
}

export interface TestKiosk {
  keys: KeyPair;
  kioskId: string;
  label: string;
  seq: number;
  head: string;
}

export function newTestKiosk(label: string): TestKiosk {
  const keys = generateKeyPair();
  return { keys, kioskId: kioskIdFromPublicKey(keys.publicKey), label, seq: 0, head: GENESIS_HASH };
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export interface TestVote {
  choices: string[];
  communeCode: string;
  ageBracket: WireParticipation['ageBracket'];
  /** Reuse a token to make a duplicate participation (same person at two kiosks). */
  token?: string;
}

/**
 * The next signed batch of a kiosk's chain, with the receipt codes the kiosk printed for it. A real
 * batch holds exactly K votes (the package's `batchSize`) unless it is the kiosk's `final` one.
 */
export function nextBatch(
  kiosk: TestKiosk,
  electionId: string,
  votes: TestVote[],
  options: { final?: boolean } = {},
): { envelope: BatchEnvelope; receiptCodes: string[]; payload: BatchPayload } {
  const seq = kiosk.seq + 1;
  const items = votes
    .map((v) => ({
      token: v.token ?? hex(32),
      communeCode: v.communeCode,
      ageBracket: v.ageBracket,
      assisted: false,
    }))
    .sort((a, b) => (a.token < b.token ? -1 : 1));
  const participationBytes = Buffer.from(
    JSON.stringify({ v: 2, kioskId: kiosk.kioskId, seq, items }),
    'utf8',
  );
  const receiptCodes = votes.map(() => drawReceiptCode());
  const payload: BatchPayload = {
    v: 2,
    electionId,
    kioskId: kiosk.kioskId,
    seq,
    prevHash: kiosk.head,
    training: false,
    final: options.final ?? false,
    ballots: sortBallots(votes.map((v) => v.choices)),
    receipts: receiptCodes.map((c) => receiptCommitment(kiosk.kioskId, c)).sort(),
    participations: { count: items.length, digest: sha256hex(participationBytes) },
  };
  const doc = signDocument('batch', payload, kiosk.keys.privateKey);
  kiosk.seq = seq;
  kiosk.head = payloadHash(doc.payload);
  return {
    envelope: { kioskId: kiosk.kioskId, ...doc, participations: toBase64url(participationBytes) },
    receiptCodes,
    payload,
  };
}

const communes = ['62041', '62193', '62160', '62498', '62001'];
const ages: TestVote['ageBracket'][] = ['11-17', '18-25', '26-40', '41-60', '61-75', '76+'];

/** `n` varied votes; vote i chooses a deterministic, skewed set so the ranking is not flat. */
export function votes(n: number, offset = 0): TestVote[] {
  const ids = projectSeeds.map((p) => p[0]);
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const first = ids[i % 3] ?? ids[0]!;
    const second = ids[3 + (i % 5)] ?? ids[1]!;
    const choices =
      i % 4 === 0 ? [first] : i % 4 === 1 ? [first, second] : [first, second, ids[8 + (i % 2)]!];
    return { choices, communeCode: communes[i % communes.length]!, ageBracket: ages[i % ages.length]! };
  });
}

/**
 * A kiosk's whole day as the chain of batches it sends: K votes a batch (the package's `batchSize`), the
 * remainder, if any, in a `final` batch.
 */
export function batchesOf(
  kiosk: TestKiosk,
  election: ElectionPackage,
  all: TestVote[],
): ReturnType<typeof nextBatch>[] {
  const k = election.batchSize;
  const out: ReturnType<typeof nextBatch>[] = [];
  for (let from = 0; from < all.length; from += k) {
    const slice = all.slice(from, from + k);
    out.push(nextBatch(kiosk, election.electionId, slice, { final: slice.length < k }));
  }
  return out;
}
