/**
 * Keys at rest (docs/secrecy.md §5): the sealing primitives refuse a wrong key or changed bytes, and on a
 * real kiosk neither the kiosk's signing seed nor the participation key (nor the data key) appears in
 * clear anywhere in kiosk.sqlite or its WAL, in raw bytes or base64url.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyRing, seal, unseal, type VaultStorage } from '../../../src/main/core/keys';
import { fromBase64url, toBase64url } from '../../../src/shared/node/crypto';
import { openTestKiosk, tempDir, unwrap } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

describe('sealing', () => {
  it('opens with the right key and label only, and refuses changed bytes', () => {
    const key = randomBytes(32);
    const sealed = seal(key, Buffer.from('secret'), 'label');
    expect(unseal(key, sealed, 'label')?.toString()).toBe('secret');
    expect(unseal(randomBytes(32), sealed, 'label')).toBeNull();
    expect(unseal(key, sealed, 'other')).toBeNull();
    const bytes = fromBase64url(sealed) ?? Buffer.alloc(0);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(unseal(key, toBase64url(bytes), 'label')).toBeNull();
  });
});

describe('the receipt link', () => {
  const storage = (): VaultStorage => {
    let vault: string | null = null;
    return {
      readVault: () => vault,
      writeVault: (sealed) => void (vault = sealed),
      vaultHoldsParticipationKey: () => false,
      readRecoveryWrap: () => null,
      writeRecoveryWrap: () => undefined,
    };
  };
  const secrets = () => ({ kioskPrivateKey: toBase64url(randomBytes(32)), participationKey: null });

  it('opens what it sealed while unlocked, again after a lock and unlock, and never while locked', () => {
    const ring = new KeyRing(storage(), secrets());
    const dataKey = Buffer.from(ring.sealPending());
    const commitment = randomBytes(32).toString('hex');
    const sealed = ring.sealReceiptLink(commitment);
    if (!sealed.ok) throw new Error(sealed.error.message);
    expect(sealed.value).not.toContain(commitment);
    expect(ring.openReceiptLink(sealed.value)).toEqual({ ok: true, value: commitment });
    ring.lock();
    expect(ring.sealReceiptLink(commitment).ok).toBe(false);
    expect(ring.openReceiptLink(sealed.value)).toMatchObject({ ok: false, error: { code: 'not_ready' } });
    expect(ring.unlock(dataKey)).toBe(true);
    expect(ring.openReceiptLink(sealed.value)).toEqual({ ok: true, value: commitment });
  });

  it('does not open another kiosk’s seal', () => {
    const ring = new KeyRing(storage(), secrets());
    ring.sealPending();
    const other = new KeyRing(storage(), secrets());
    other.sealPending();
    const sealed = ring.sealReceiptLink(randomBytes(32).toString('hex'));
    if (!sealed.ok) throw new Error(sealed.error.message);
    expect(other.openReceiptLink(sealed.value)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('a stolen kiosk file', () => {
  it('holds neither key in clear, in the database or its WAL', async () => {
    const t = await openTestKiosk(tmp.dir, { recoveryKey: toBase64url(randomBytes(32)) });
    await unwrap(t.kiosk.handlers.addMediator({ name: 'Bea', pin: '246810' }));
    await unwrap(t.kiosk.handlers.setTraining({ training: true }));
    const secrets = t.kiosk.context.keys.secrets();
    const dataKey = t.kiosk.context.keys.dataKey();
    if (!secrets.ok || !dataKey.ok) throw new Error('keys should be open');
    const needles: Buffer[] = [];
    for (const text of [secrets.value.kioskPrivateKey, secrets.value.participationKey ?? '']) {
      expect(text.length).toBeGreaterThan(40);
      needles.push(Buffer.from(text, 'utf8'), fromBase64url(text) ?? Buffer.alloc(0));
    }
    // A copy: locking the ring zeroes its own buffer.
    needles.push(Buffer.from(dataKey.value), Buffer.from(toBase64url(dataKey.value)));
    const files = [t.dbPath, `${t.dbPath}-wal`].filter((f) => existsSync(f));
    // Read while open (the WAL holds the latest writes) and again after a clean close.
    const check = (): void => {
      for (const file of files.filter((f) => existsSync(f))) {
        const raw = readFileSync(file);
        needles.forEach((needle, i) =>
          expect(raw.includes(needle), `${file} needle ${i} (${needle.length})`).toBe(false),
        );
      }
    };
    check();
    t.close();
    check();
    expect(files.length).toBeGreaterThan(0);
  });
});
