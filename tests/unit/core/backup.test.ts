/**
 * The end-of-day backup: sealed to the package's backup key, it opens with the central team's private
 * key only and holds exactly the batches the server has not acknowledged, as signed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeKioskBackup } from '../../../src/main/core/backup';
import { localDay } from '../../../src/main/core/eligibility';
import { openKiosk, type Kiosk } from '../../../src/main/core/kiosk';
import { KioskBackup, kioskBackupFileName } from '../../../src/shared/kiosk-backup';
import { generateKeyPair, payloadHash, signDocument, toBase64url } from '../../../src/shared/node/crypto';
import { generateX25519KeyPair, open } from '../../../src/shared/node/sealed-box';
import type { BatchEnvelope, ElectionPackage } from '../../../src/shared/wire';
import { makeElection, openTestKiosk, tempDir, unwrap } from './fixtures';

const DAY = 86_400_000;

function election(backupPublicKey?: string): ElectionPackage {
  return {
    v: 2,
    electionId: 'sauvegarde-2026',
    title: 'Budget citoyen (sauvegarde)',
    opensAt: new Date(Date.now() - DAY).toISOString(),
    closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
    lateDeliveryHours: 48,
    minChoices: 1,
    maxChoices: 1,
    minAge: 11,
    department: '62',
    budget: 1000,
    territories: [{ id: 't', name: 'Territoire' }],
    projects: [
      {
        id: 'jardin',
        title: 'Jardin',
        summary: 'Résumé',
        description: 'Description',
        territoryId: 't',
        theme: 'Solidarité',
        carrier: 'Association',
        cost: 100,
        image: 'jardin.webp',
      },
    ],
    batchSize: 10,
    tokenKdf: { salt: toBase64url(randomBytes(16)), logN: 10, r: 8, p: 1 },
    ...(backupPublicKey ? { backupPublicKey } : {}),
  };
}

let tmp: ReturnType<typeof tempDir>;
let kiosk: Kiosk;
const recipient = generateX25519KeyPair();

function openWith(pkg: ElectionPackage): Kiosk {
  const authority = generateKeyPair();
  const electionFile = tmp.path('election.signed.json');
  writeFileSync(electionFile, JSON.stringify(signDocument('election', pkg, authority.privateKey)));
  return openKiosk({
    dbPath: tmp.path('kiosk.sqlite'),
    provision: {
      authorityPublicKey: authority.publicKey,
      participationKey: toBase64url(randomBytes(32)),
      electionFile,
    },
  });
}

/** Stores `count` signed batches as the outbox would have sealed them (a kiosk-signed envelope each). */
function storeBatches(count: number, into: Kiosk = kiosk): BatchEnvelope[] {
  const kiosk = into;
  const envelopes: BatchEnvelope[] = [];
  kiosk.store.transaction(() => {
    for (let seq = 1; seq <= count; seq++) {
      const signed = kiosk.context.identity.signDocument('batch', { seq, note: 'test' });
      const envelope: BatchEnvelope = {
        kioskId: kiosk.kioskId,
        ...signed,
        participations: toBase64url(Buffer.from(`{"seq":${seq}}`)),
      };
      envelopes.push(envelope);
      kiosk.sync.syncStore.storeBatch({
        seq,
        hash: payloadHash(signed.payload),
        envelopeText: JSON.stringify(envelope),
        ballotCount: 10,
        participationCount: 10,
        tokens: [],
        final: false,
      });
    }
  });
  return envelopes;
}

beforeEach(() => {
  tmp = tempDir('isoloir-backup-');
});

afterEach(() => {
  kiosk.close();
  tmp.remove();
});

describe('kiosk backup', () => {
  it('opens with the central team’s key and holds the unacknowledged batches only', () => {
    kiosk = openWith(election(recipient.publicKey));
    const envelopes = storeBatches(3);
    const first = envelopes[0];
    if (!first) throw new Error('no batch');
    kiosk.sync.syncStore.markAcked(1, payloadHash(first.payload), '{}', new Date().toISOString());

    const written = writeKioskBackup(
      { context: kiosk.context, syncStore: kiosk.sync.syncStore },
      tmp.dir,
      '2026-09-03',
    );
    expect(written.ok, JSON.stringify(written)).toBe(true);
    if (!written.ok) return;
    expect(written.value.file).toBe(join(tmp.dir, kioskBackupFileName(kiosk.kioskId, '2026-09-03')));
    expect(written.value.batches).toBe(2);

    const bytes = readFileSync(written.value.file);
    // Nothing of the batches in clear on the stick.
    expect(bytes.includes(Buffer.from(envelopes[1]?.payload ?? 'x'))).toBe(false);
    expect(open(bytes, generateX25519KeyPair().privateKey).ok).toBe(false);
    const opened = open(bytes, recipient.privateKey);
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const backup = KioskBackup.parse(JSON.parse(opened.plaintext.toString('utf8')));
    expect(backup.kioskId).toBe(kiosk.kioskId);
    expect(backup.electionId).toBe('sauvegarde-2026');
    expect(backup.batches).toEqual(envelopes.slice(1));
  });

  it('writes nothing when the package names no backup key', () => {
    kiosk = openWith(election());
    storeBatches(1);
    const refused = writeKioskBackup(
      { context: kiosk.context, syncStore: kiosk.sync.syncStore },
      tmp.dir,
      '2026-09-03',
    );
    expect(refused.ok ? 'ok' : refused.error.code).toBe('backup_unavailable');
  });
});

describe('backup with the USB export', () => {
  it('once the day is closed, the export leaves the sealed backup beside the batches', async () => {
    const media = tmp.path('media/camille');
    const stick = join(media, 'KINGSTON');
    mkdirSync(stick, { recursive: true });
    vi.stubEnv('ISOLOIR_MEDIA_ROOTS', media);
    try {
      const test = await openTestKiosk(tmp.dir, {
        election: makeElection({ backupPublicKey: recipient.publicKey }),
        dayClosed: true,
      });
      kiosk = test.kiosk;
      const envelopes = storeBatches(2);
      const status = await unwrap(kiosk.handlers.getStatus({}));
      expect(status.day.state).toBe('closed');
      await unwrap(kiosk.handlers.exportUsb({ driveId: stick, all: false }));
      const day = status.day.day ?? localDay(test.clock.now());
      const file = join(stick, kioskBackupFileName(kiosk.kioskId, day));
      const opened = open(readFileSync(file), recipient.privateKey);
      expect(opened.ok).toBe(true);
      if (!opened.ok) return;
      expect(KioskBackup.parse(JSON.parse(opened.plaintext.toString('utf8'))).batches).toEqual(envelopes);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
