import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateIdentity } from '../../../src/main/core/identity';
import { KioskStore } from '../../../src/main/core/store';
import { fromBase64url, verifyDocument } from '../../../src/shared/node/crypto';
import { tempDir } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

describe('kiosk identity', () => {
  it('makes a key pair at first start and keeps it across restarts', () => {
    const path = tmp.path('k.sqlite');
    const store = KioskStore.open(path);
    const first = loadOrCreateIdentity(store);
    store.close();
    const reopened = KioskStore.open(path);
    const second = loadOrCreateIdentity(reopened);
    expect(second.publicKey).toBe(first.publicKey);
    expect(second.kioskId).toBe(first.kioskId);
    reopened.close();
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
