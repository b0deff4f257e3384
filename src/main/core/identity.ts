/**
 * The kiosk's own identity (DESIGN §3.9): an Ed25519 key pair and the kioskId derived from its public
 * key. The public key stays readable in `settings`; the private seed lives only in the key ring's sealed
 * vault (keys.ts), so signing needs the keys unlocked. A kiosk with no vault yet (before its first
 * mediator account) makes a new pair at each start and keeps its seed pending in memory until the first
 * account seals it.
 */
import type { SignatureDomain } from '../../shared/wire';
import {
  generateKeyPair,
  kioskIdFromPublicKey,
  privateKeyObject,
  signBytes,
  signDocument,
} from '../../shared/node/crypto';
import { KEYS_LOCKED_MESSAGE, KeyRing, type VaultStorage } from './keys';
import { settingKeys, type KioskStore } from './store';

export interface KioskIdentity {
  kioskId: string;
  /** Raw 32-byte Ed25519 public key, base64url. */
  publicKey: string;
  /** Throw `KeysLockedError` while the key ring is locked. */
  signBytes(domain: SignatureDomain, bytes: Uint8Array): string;
  signDocument(domain: SignatureDomain, value: unknown): { payload: string; signature: string };
}

/** A signature was asked for while the kiosk's keys are locked. */
export class KeysLockedError extends Error {
  readonly code = 'not_ready';
  constructor() {
    super(KEYS_LOCKED_MESSAGE);
    this.name = 'KeysLockedError';
  }
}

export function settingsVault(store: KioskStore): VaultStorage {
  return {
    readVault: () => store.getSetting(settingKeys.keyVault),
    writeVault: (sealed, holdsParticipationKey) => {
      store.setSetting(settingKeys.keyVault, sealed);
      store.setSetting(settingKeys.participationSealed, holdsParticipationKey ? '1' : '0');
    },
    vaultHoldsParticipationKey: () => store.getSetting(settingKeys.participationSealed) === '1',
    readRecoveryWrap: () => store.getSetting(settingKeys.recoveryWrap),
    writeRecoveryWrap: (wrapped) => store.setSetting(settingKeys.recoveryWrap, wrapped),
  };
}

/** Loads the public key and the key ring, making a new pending pair when nothing is sealed yet. */
export function loadIdentity(store: KioskStore): { identity: KioskIdentity; keys: KeyRing } {
  const storage = settingsVault(store);
  const existingPublic = store.getSetting(settingKeys.kioskPublicKey);
  let publicKey: string;
  let keys: KeyRing;
  if (existingPublic && storage.readVault()) {
    publicKey = existingPublic;
    keys = new KeyRing(storage, null);
  } else {
    const pair = generateKeyPair();
    store.setSetting(settingKeys.kioskPublicKey, pair.publicKey);
    publicKey = pair.publicKey;
    keys = new KeyRing(storage, { kioskPrivateKey: pair.privateKey, participationKey: null });
  }
  let cached: { seed: string; key: ReturnType<typeof privateKeyObject> } | null = null;
  const privateKey = (): ReturnType<typeof privateKeyObject> => {
    const secrets = keys.secrets();
    if (!secrets.ok) throw new KeysLockedError();
    if (cached?.seed !== secrets.value.kioskPrivateKey)
      cached = { seed: secrets.value.kioskPrivateKey, key: privateKeyObject(secrets.value.kioskPrivateKey) };
    return cached.key;
  };
  return {
    keys,
    identity: {
      kioskId: kioskIdFromPublicKey(publicKey),
      publicKey,
      signBytes: (domain, bytes) => signBytes(domain, bytes, privateKey()),
      signDocument: (domain, value) => signDocument(domain, value, privateKey()),
    },
  };
}
