/**
 * Test fixtures for the central server: a small real election package, a real data folder on a temp
 * directory (real SQLite file, real authority key), the real Fastify app, and kiosks that enrol through
 * the API and sign their chains of batches with the shared crypto — no mock anywhere.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  drawReceiptCode,
  generateKeyPair,
  privateKeyObject,
  receiptCommitment,
  sha256hex,
  signBytes,
  toBase64url,
  type KeyPair,
} from '../../../src/shared/node/crypto';
import {
  GENESIS_HASH,
  sortBallots,
  type BatchEnvelope,
  type BatchPayload,
  type ElectionPackage,
  type ParticipationDocument,
  type WireChoices,
  type WireParticipation,
} from '../../../src/shared/wire';
import { buildApp, type AppOptions } from '../../../src/server/app';
import { DB_FILE, initDataDir, openDataDir, type DataDir } from '../../../src/server/datadir';
import { publishElection } from '../../../src/server/election';
import { createEnrolmentCode } from '../../../src/server/enrolment';
import { enrolRequest } from './enrol-request';

const DAY = 86_400_000;

export function makePackage(overrides: Partial<ElectionPackage> = {}): ElectionPackage {
  const now = Date.now();
  return {
    v: 2,
    electionId: 'test-2026',
    title: 'Budget citoyen de test',
    opensAt: new Date(now - DAY).toISOString(),
    closesAt: new Date(now + 30 * DAY).toISOString(),
    lateDeliveryHours: 48,
    minChoices: 1,
    maxChoices: 3,
    minAge: 11,
    department: '62',
    budget: 100_000,
    territories: [
      { id: 'arrageois', name: 'Arrageois' },
      { id: 'calaisis', name: 'Calaisis' },
    ],
    projects: ['jardin', 'velo', 'ecole', 'repair', 'theatre'].map((id, i) => ({
      id,
      title: `Projet ${id}`,
      summary: `Résumé ${id}`,
      description: `Description ${id}`,
      territoryId: i % 2 ? 'calaisis' : 'arrageois',
      theme: 'Solidarité',
      carrier: 'Association',
      cost: 20_000 + i * 5_000,
      image: `${id}.webp`,
    })),
    communeTerritories: { '62041': 'arrageois', '62193': 'calaisis' },
    batchSize: 10,
    tokenKdf: { salt: 'c2VsLWRlLXRlc3QtaXNvbG9pcg', logN: 10, r: 8, p: 1 },
    ...overrides,
  };
}

export interface TestServer {
  dir: string;
  data: DataDir;
  app: FastifyInstance;
  pkg: ElectionPackage;
  dbPath: string;
  close(): Promise<void>;
}

export async function startTestServer(
  options: AppOptions & { pkg?: ElectionPackage } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'isoloir-server-'));
  initDataDir(dir);
  const data = openDataDir(dir);
  const pkg = options.pkg ?? makePackage();
  const published = publishElection(data.store, data.authority, pkg, new Date());
  if (!published.ok) throw new Error(published.error.message);
  const app = await buildApp(
    { store: data.store, authority: data.authority, dbPath: join(dir, DB_FILE) },
    // The counting tests read the results during the vote: the embargo is lifted unless a test asks
    // for it (tests/integration/server/embargo.test.ts).
    { web: false, liveResults: true, ...options },
  );
  return {
    dir,
    data,
    app,
    pkg,
    dbPath: join(dir, DB_FILE),
    async close() {
      await app.close();
      data.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestKiosk {
  kioskId: string;
  keys: KeyPair;
  participationKey: string;
  authorityPublicKey: string;
}

export async function enrolKiosk(server: TestServer, label = 'Comptoir de test'): Promise<TestKiosk> {
  const code = createEnrolmentCode(server.data.store, label, 24, new Date());
  if (!code.ok) throw new Error(code.error.message);
  const keys = generateKeyPair();
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/kiosks',
    payload: enrolRequest(code.value.code, keys, label),
  });
  if (res.statusCode !== 201) throw new Error(`enrol failed ${res.statusCode} ${res.body}`);
  const body = res.json<{ kioskId: string; participationKey: string; authorityPublicKey: string }>();
  return {
    kioskId: body.kioskId,
    keys,
    participationKey: body.participationKey,
    authorityPublicKey: body.authorityPublicKey,
  };
}

export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A valid random ballot for the package: 1..maxChoices distinct projects, sorted. */
export function randomBallot(pkg: ElectionPackage, pick = Math.random): WireChoices {
  const ids = pkg.projects.map((p) => p.id);
  const n = pkg.minChoices + Math.floor(pick() * (pkg.maxChoices - pkg.minChoices + 1));
  const chosen = new Set<string>();
  while (chosen.size < n) chosen.add(ids[Math.floor(pick() * ids.length)] ?? ids[0] ?? '');
  return [...chosen].sort();
}

export function randomParticipation(): WireParticipation {
  return { token: randomHex(32), communeCode: '62041', ageBracket: '26-40', assisted: false };
}

/** The envelope of a ballot document and its participation document, signed as a kiosk does. */
export function envelopeOf(
  kioskId: string,
  payload: unknown,
  privateKey: string | KeyObject,
  participationBytes: Uint8Array = Buffer.from('{}', 'utf8'),
): BatchEnvelope {
  const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
  return {
    kioskId,
    payload: toBase64url(bytes),
    signature: signBytes('batch', bytes, privateKey),
    participations: toBase64url(participationBytes),
  };
}

/** The participation document's bytes and the `participations` field that binds them. */
export function participationDocumentOf(
  kioskId: string,
  seq: number,
  items: WireParticipation[],
): { bytes: Buffer; binding: BatchPayload['participations'] } {
  const doc: ParticipationDocument = {
    v: 2,
    kioskId,
    seq,
    items: [...items].sort((a, b) => (a.token < b.token ? -1 : 1)),
  };
  const bytes = Buffer.from(JSON.stringify(doc), 'utf8');
  return { bytes, binding: { count: items.length, digest: sha256hex(bytes) } };
}

/**
 * A kiosk's chain of signed v2 batches, built ahead of sending (seq 1, 2, 3… with prevHash links). A batch
 * holds K (the package's `batchSize`) ballots unless told otherwise; `receiptCodes` keeps each batch's
 * codes, as the kiosk printed them.
 */
export class Chain {
  readonly envelopes: BatchEnvelope[] = [];
  readonly payloads: BatchPayload[] = [];
  readonly participationDocuments: ParticipationDocument[] = [];
  readonly receiptCodes: string[][] = [];
  private head = GENESIS_HASH;
  private count = 0;
  private readonly key: KeyObject;

  constructor(
    readonly kiosk: TestKiosk,
    readonly pkg: ElectionPackage,
  ) {
    this.key = privateKeyObject(kiosk.keys.privateKey);
  }

  add(
    options: {
      ballots?: number;
      training?: boolean;
      final?: boolean;
      ballotList?: WireChoices[];
      participations?: WireParticipation[];
      /** The receipt codes the kiosk printed for these ballots (drawn afresh when absent). */
      receiptCodes?: string[];
      /** Edits the ballot document before it is signed (tests of refusals). */
      tamper?: (payload: BatchPayload) => void;
    } = {},
  ): BatchEnvelope {
    const ballots = sortBallots(
      options.ballotList ??
        Array.from({ length: options.ballots ?? this.pkg.batchSize }, () => randomBallot(this.pkg)),
    );
    const seq = ++this.count;
    const items = options.participations ?? ballots.map(() => randomParticipation());
    const participation = participationDocumentOf(this.kiosk.kioskId, seq, items);
    const codes = options.receiptCodes ?? ballots.map(() => drawReceiptCode());
    const payload: BatchPayload = {
      v: 2,
      electionId: this.pkg.electionId,
      kioskId: this.kiosk.kioskId,
      seq,
      prevHash: this.head,
      training: options.training ?? false,
      final: options.final ?? false,
      ballots,
      receipts: codes.map((c) => receiptCommitment(this.kiosk.kioskId, c)).sort(),
      participations: participation.binding,
    };
    options.tamper?.(payload);
    const envelope = envelopeOf(this.kiosk.kioskId, payload, this.key, participation.bytes);
    this.head = sha256hex(Buffer.from(envelope.payload, 'base64url'));
    this.envelopes.push(envelope);
    this.payloads.push(payload);
    this.participationDocuments.push(
      JSON.parse(participation.bytes.toString('utf8')) as ParticipationDocument,
    );
    this.receiptCodes.push(codes);
    return envelope;
  }

  /** Drops the kept envelopes (large benchmarks); the chain goes on from its head. */
  forget(): void {
    this.envelopes.length = 0;
    this.payloads.length = 0;
    this.participationDocuments.length = 0;
    this.receiptCodes.length = 0;
  }
}

export async function post(app: FastifyInstance, envelope: unknown) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/batches', payload: envelope as object });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

export async function results(app: FastifyInstance) {
  const res = await app.inject({ method: 'GET', url: '/api/v1/results' });
  return res.json<{ ballots: number; participations: number; projects: { id: string; votes: number }[] }>();
}

/** The headers of a request signed by the kiosk (docs/protocol.md), for `domain` over `challenge`. */
export function signedHeaders(
  kiosk: TestKiosk,
  domain: 'register' | 'state',
  challenge: string,
  time: string,
  privateKey: string = kiosk.keys.privateKey,
): Record<string, string> {
  return {
    'x-isoloir-kiosk': kiosk.kioskId,
    'x-isoloir-time': time,
    'x-isoloir-signature': signBytes(domain, Buffer.from(challenge, 'utf8'), privateKey),
  };
}

/** `GET /api/v1/kiosks/:kioskId`, signed by the kiosk itself (its exact state) unless `signed` is false. */
export async function kioskState(app: FastifyInstance, kiosk: TestKiosk, signed = true) {
  const time = new Date().toISOString();
  return app.inject({
    method: 'GET',
    url: `/api/v1/kiosks/${kiosk.kioskId}`,
    headers: signed ? signedHeaders(kiosk, 'state', `${kiosk.kioskId}\n${time}`, time) : {},
  });
}
