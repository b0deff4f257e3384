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
  generateKeyPair,
  privateKeyObject,
  sha256hex,
  signBytes,
  toBase64url,
  type KeyPair,
} from '../../../src/shared/node/crypto';
import {
  GENESIS_HASH,
  type BatchEnvelope,
  type BatchPayload,
  type ElectionPackage,
  type WireBallot,
  type WireParticipation,
} from '../../../src/shared/wire';
import { buildApp, type AppOptions } from '../../../src/server/app';
import { DB_FILE, initDataDir, openDataDir, type DataDir } from '../../../src/server/datadir';
import { publishElection } from '../../../src/server/election';
import { createEnrolmentCode } from '../../../src/server/enrolment';

const DAY = 86_400_000;

export function makePackage(overrides: Partial<ElectionPackage> = {}): ElectionPackage {
  const now = Date.now();
  return {
    v: 1,
    electionId: 'test-2026',
    title: 'Budget citoyen de test',
    opensAt: new Date(now - DAY).toISOString(),
    closesAt: new Date(now + 30 * DAY).toISOString(),
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
    { web: false, ...options },
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
    payload: { code: code.value.code, publicKey: keys.publicKey, label },
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
export function randomBallot(pkg: ElectionPackage, pick = Math.random): WireBallot {
  const ids = pkg.projects.map((p) => p.id);
  const n = pkg.minChoices + Math.floor(pick() * (pkg.maxChoices - pkg.minChoices + 1));
  const chosen = new Set<string>();
  while (chosen.size < n) chosen.add(ids[Math.floor(pick() * ids.length)] ?? ids[0] ?? '');
  return { id: randomHex(16), choices: [...chosen].sort() };
}

export function randomParticipation(): WireParticipation {
  return { token: randomHex(32), communeCode: '62041', ageBracket: '26-40', assisted: false };
}

/** Signs a payload exactly as a kiosk does: the JSON bytes, then Ed25519 over the batch domain. */
export function envelopeOf(kioskId: string, payload: unknown, privateKey: string | KeyObject): BatchEnvelope {
  const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
  return { kioskId, payload: toBase64url(bytes), signature: signBytes('batch', bytes, privateKey) };
}

/** A kiosk's chain of signed batches, built ahead of sending (seq 1, 2, 3… with prevHash links). */
export class Chain {
  readonly envelopes: BatchEnvelope[] = [];
  readonly payloads: BatchPayload[] = [];
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
      ballotList?: WireBallot[];
      participations?: WireParticipation[];
    } = {},
  ): BatchEnvelope {
    const ballots = (
      options.ballotList ?? Array.from({ length: options.ballots ?? 3 }, () => randomBallot(this.pkg))
    ).sort((a, b) => (a.id < b.id ? -1 : 1));
    const participations = (options.participations ?? ballots.map(() => randomParticipation())).sort(
      (a, b) => (a.token < b.token ? -1 : 1),
    );
    const payload: BatchPayload = {
      v: 1,
      electionId: this.pkg.electionId,
      kioskId: this.kiosk.kioskId,
      seq: ++this.count,
      prevHash: this.head,
      createdAt: new Date().toISOString(),
      training: options.training ?? false,
      ballots,
      participations,
      final: false,
    };
    const envelope = envelopeOf(this.kiosk.kioskId, payload, this.key);
    this.head = sha256hex(Buffer.from(envelope.payload, 'base64url'));
    this.envelopes.push(envelope);
    this.payloads.push(payload);
    return envelope;
  }

  /** Drops the kept envelopes (large benchmarks); the chain goes on from its head. */
  forget(): void {
    this.envelopes.length = 0;
    this.payloads.length = 0;
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
