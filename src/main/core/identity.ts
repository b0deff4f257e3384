/**
 * The kiosk's own identity: an Ed25519 key pair made at first start and kept in `settings`, and the
 * kioskId derived from its public key (DESIGN §3.9). The private seed never leaves this module except as
 * a signing function.
 */
import type { SignatureDomain } from '../../shared/wire';
import {
  generateKeyPair,
  kioskIdFromPublicKey,
  privateKeyObject,
  signBytes,
  signDocument,
} from '../../shared/node/crypto';
import { settingKeys, type KioskStore } from './store';

export interface KioskIdentity {
  kioskId: string;
  /** Raw 32-byte Ed25519 public key, base64url. */
  publicKey: string;
  signBytes(domain: SignatureDomain, bytes: Uint8Array): string;
  signDocument(domain: SignatureDomain, value: unknown): { payload: string; signature: string };
}

/** Loads the key pair, creating and storing it on first start (in one transaction). */
export function loadOrCreateIdentity(store: KioskStore): KioskIdentity {
  const { publicKey, privateKey } = store.transaction(() => {
    const existingPublic = store.getSetting(settingKeys.kioskPublicKey);
    const existingPrivate = store.getSetting(settingKeys.kioskPrivateKey);
    if (existingPublic && existingPrivate) return { publicKey: existingPublic, privateKey: existingPrivate };
    const pair = generateKeyPair();
    store.setSetting(settingKeys.kioskPublicKey, pair.publicKey);
    store.setSetting(settingKeys.kioskPrivateKey, pair.privateKey);
    return pair;
  });
  const key = privateKeyObject(privateKey);
  return {
    kioskId: kioskIdFromPublicKey(publicKey),
    publicKey,
    signBytes: (domain, bytes) => signBytes(domain, bytes, key),
    signDocument: (domain, value) => signDocument(domain, value, key),
  };
}
