/**
 * Starts the web pages on a real Fastify listening on 127.0.0.1 for the server-*.spec.ts tests.
 * The WebDeps here is built from real data: a real `Tally` fed with real signed batches that are
 * verified (Ed25519 over the received bytes) and parsed with the wire schemas before counting, scrypt
 * for the admin password, one-time enrolment codes with expiry, and the real audit/Pabulib line writers
 * of the shared modules. It stands in for the server core's app until that app wires the plugin.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { receiptKeyFromBallotId as receiptKey } from '../../src/shared/receipt';
import { ok, err } from '../../src/shared/result';
import { Tally } from '../../src/shared/tally';
import { parseJsonBytes, publicKeyObject, verifyDocument } from '../../src/shared/node/crypto';
import { BatchPayload, type BatchEnvelope, type ElectionPackage } from '../../src/shared/wire';
import type { WebDeps, WebEnrolmentCode, WebKiosk, WebOptions } from '../../src/server/web/deps';
import { webPlugin } from '../../src/server/web/index';
import type { TestKiosk } from './server-data';

export interface WebTestServer {
  url: string;
  password: string;
  app: FastifyInstance;
  /** Verifies and counts a batch the way the server does; false when refused. */
  upload(envelope: BatchEnvelope): boolean;
  enrol(kiosk: TestKiosk, code: string): boolean;
  /** A fresh one-time enrolment code, as the admin page would make it. */
  createCode(label: string): string;
  close(): Promise<void>;
}

export async function startWebTestServer(
  election: ElectionPackage | null,
  options: WebOptions = {},
): Promise<WebTestServer> {
  const password = randomBytes(12).toString('base64url');
  const salt = randomBytes(16);
  const passwordHash = scryptSync(password, salt, 32);
  const tally = election ? new Tally(election) : null;
  const kiosks = new Map<string, WebKiosk & { publicKey: string }>();
  const ballotIds = new Set<string>();
  const codes = new Map<string, WebEnrolmentCode & { code: string }>();
  const rejections = new Map<string, number>();
  const reject = (code: string): false => {
    rejections.set(code, (rejections.get(code) ?? 0) + 1);
    return false;
  };

  const deps: WebDeps = {
    election: () =>
      election && {
        electionId: election.electionId,
        title: election.title,
        opensAt: election.opensAt,
        closesAt: election.closesAt,
        budget: election.budget,
        territories: election.territories,
      },
    results: () => tally?.results() ?? null,
    ballotIncluded: (key) =>
      key.length === 32 ? ballotIds.has(key) : [...ballotIds].some((id) => receiptKey(id) === key),
    kiosks: () => [...kiosks.values()].sort((a, b) => (a.kioskId < b.kioskId ? -1 : 1)),
    anomalies: () => ({
      rejections: [...rejections].map(([code, count]) => ({ code, count })),
      equivocations: [],
      heldBatches: [],
      duplicateParticipations: tally?.results().duplicateParticipations ?? 0,
      dayCountMismatches: [],
    }),
    enrolmentCodes: () =>
      [...codes.values()].map((c) => ({
        id: c.id,
        label: c.label,
        createdAt: c.createdAt,
        expiresAt: c.expiresAt,
        status: c.status === 'unused' && Date.parse(c.expiresAt) < Date.now() ? 'expired' : c.status,
        usedAt: c.usedAt,
        kioskId: c.kioskId,
      })),
    createEnrolmentCode: ({ label, expiresInHours }) => {
      if (!election) return err('no_election', 'Publiez d’abord une élection.');
      const code = randomBytes(8).toString('hex').toUpperCase();
      const now = new Date();
      const expiresAt = new Date(now.getTime() + expiresInHours * 3600_000).toISOString();
      codes.set(code, {
        id: String(codes.size + 1),
        code,
        label,
        createdAt: now.toISOString(),
        expiresAt,
        status: 'unused',
        usedAt: null,
        kioskId: null,
      });
      return ok({ code, expiresAt });
    },
    verifyAdminPassword: (candidate) => {
      const h = scryptSync(candidate, salt, 32);
      return timingSafeEqual(h, passwordHash);
    },
    exportAudit: () =>
      ok({ fileName: 'audit.jsonl', contentType: 'application/x-ndjson', body: '{"type":"header"}\n' }),
    exportPabulib: () => err('no_election', 'Export Pabulib indisponible dans ce test.'),
    options,
  };

  const app = Fastify({ logger: false });
  await app.register(helmet);
  await webPlugin(app, deps);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });

  return {
    url: address,
    password,
    app,
    createCode(label) {
      const created = deps.createEnrolmentCode({ label, expiresInHours: 1 });
      if (created instanceof Promise || !created.ok) throw new Error('code not created');
      return created.value.code;
    },
    enrol(kiosk, code) {
      const entry = codes.get(code);
      if (!entry || entry.status !== 'unused' || Date.parse(entry.expiresAt) < Date.now())
        return reject('enrolment_code_invalid');
      entry.status = 'used';
      entry.usedAt = new Date().toISOString();
      entry.kioskId = kiosk.kioskId;
      kiosks.set(kiosk.kioskId, {
        kioskId: kiosk.kioskId,
        label: kiosk.label,
        publicKey: kiosk.keys.publicKey,
        enrolledAt: new Date().toISOString(),
        lastSeenAt: null,
        highWater: 0,
        ballots: 0,
        flagged: false,
      });
      tally?.addKiosk(kiosk.kioskId, kiosk.label);
      return true;
    },
    upload(envelope) {
      const kiosk = kiosks.get(envelope.kioskId);
      if (!kiosk || !tally) return reject('unknown_kiosk');
      const key = publicKeyObject(kiosk.publicKey);
      if (!key) return reject('unknown_kiosk');
      const verified = verifyDocument('batch', envelope, key);
      if (!verified.ok) return reject('bad_signature');
      const payload = BatchPayload.safeParse(parseJsonBytes(verified.bytes));
      if (!payload.success) return reject('malformed');
      if (payload.data.seq !== kiosk.highWater + 1) return reject('out_of_order');
      tally.addBatch(kiosk.kioskId, payload.data);
      for (const b of payload.data.ballots) ballotIds.add(b.id);
      kiosk.highWater = payload.data.seq;
      kiosk.ballots += payload.data.ballots.length;
      kiosk.lastSeenAt = new Date().toISOString();
      return true;
    },
    close: () => app.close(),
  };
}
