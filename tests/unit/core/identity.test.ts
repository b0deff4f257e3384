import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadIdentity } from '../../../src/main/core/identity';
import { KioskStore } from '../../../src/main/core/store';
import { fromBase64url, verifyDocument } from '../../../src/shared/node/crypto';
import { openTestKiosk, tempDir } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

const loadOrCreateIdentity = (store: KioskStore): ReturnType<typeof loadIdentity>['identity'] =>
  loadIdentity(store).identity;

describe('kiosk identity', () => {
  it('keeps its key pair across restarts once the first account sealed it, and only then', async () => {
    const path = tmp.path('k.sqlite');
    const first = await openTestKiosk(tmp.dir, { dbName: 'k.sqlite', noMediator: true });
    const firstId = first.kiosk.kioskId;
    first.close();
    // Nothing sealed yet: a restart makes a new pair (the old seed never reached the disk).
    const second = await openTestKiosk(tmp.dir, { dbName: 'k.sqlite' });
    expect(second.kiosk.kioskId).not.toBe(firstId);
    const sealedId = second.kiosk.kioskId;
    second.close();
    const third = await openTestKiosk(tmp.dir, { dbName: 'k.sqlite' });
    expect(third.kiosk.kioskId).toBe(sealedId);
    third.close();
    expect(path).toContain('k.sqlite');
  });

  it('derives the kioskId as the first 32 hex characters of SHA-256 of the raw public key (DESIGN §3.9)', () => {
    const store = KioskStore.open(tmp.path('k.sqlite'));
    const identity = loadOrCreateIdentity(store);
    const raw = fromBase64url(identity.publicKey);
    expect(raw?.length).toBe(32);
    expect(identity.kioskId).toBe(
      createHash('sha256')
        .update(raw ?? Buffer.alloc(0))
        .digest('hex')
        .slice(0, 32),
    );
    store.close();
  });

  it('signs documents that verify with its public key, and different kiosks have different ids', () => {
    const a = KioskStore.open(tmp.path('a.sqlite'));
    const b = KioskStore.open(tmp.path('b.sqlite'));
    const ia = loadOrCreateIdentity(a);
    const ib = loadOrCreateIdentity(b);
    expect(ia.kioskId).not.toBe(ib.kioskId);
    const doc = ia.signDocument('batch', { seq: 1 });
    expect(verifyDocument('batch', doc, ia.publicKey).ok).toBe(true);
    expect(verifyDocument('batch', doc, ib.publicKey).ok).toBe(false);
    a.close();
    b.close();
  });
});
