/**
 * Provisioning a kiosk directly, for tests only: the keys and, optionally, a signed election file,
 * standing for a finished setup. No production path uses it (the Electron shell, the harness and the demo
 * set a kiosk up through its setup methods: setup.ts). `provisionFrom` reads them from the generated
 * sample (`npm run build:data` writes `resources/generated/`): the demo authority's public key, the
 * participation key, the signed election file and the communes list, for the e2e fixture. Only the
 * public half of the authority key is read. `applyProvision` is what `openKiosk` does with them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { base64url } from '../../shared/wire';
import type { Audit, InstallElection } from './context';
import type { KeyRing } from './keys';
import { readElectionFile } from './election';
import { settingKeys, type KioskStore } from './store';

export const DEMO_AUTHORITY_FILE = 'demo-authority.json';
export const SIGNED_ELECTION_FILE = 'sample-election.signed.json';
export const COMMUNES_FILE = 'communes-62.json';

const DemoAuthorityPublic = z.object({
  authority: z.object({ publicKey: base64url.length(43) }),
  participationKey: base64url.min(43),
});

export interface Provision {
  authorityPublicKey: string;
  participationKey: string;
  /** The central team's recovery key (32 bytes, base64url): the data key is wrapped under it too. */
  recoveryKey?: string;
  electionFile?: string;
  label?: string;
}

export interface GeneratedKiosk {
  provision: Provision & { electionFile: string };
  /** The communes list, when the generated folder has one. */
  communesPath?: string;
}

/** The generated sample folder lacks a file or holds a malformed one (message in French, with the fix). */
export class SampleMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SampleMissingError';
  }
}

/** The kiosk refused what it was provisioned with (an election file that does not verify, say). */
export class ProvisionRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProvisionRefusedError';
  }
}

/** Reads `dir` (usually `resources/generated`); throws with the command to run when a file is missing. */
export function provisionFrom(dir: string, label = 'Kiosque de démonstration'): GeneratedKiosk {
  const folder = resolve(dir);
  const authorityPath = join(folder, DEMO_AUTHORITY_FILE);
  const electionFile = join(folder, SIGNED_ELECTION_FILE);
  for (const path of [authorityPath, electionFile]) {
    if (!existsSync(path)) {
      throw new SampleMissingError(`${path} est absent : lancez d’abord « npm run build:data ».`);
    }
  }
  const parsed = DemoAuthorityPublic.safeParse(JSON.parse(readFileSync(authorityPath, 'utf8')));
  if (!parsed.success) {
    throw new SampleMissingError(
      `${authorityPath} n’a pas la forme attendue : relancez « npm run build:data ».`,
    );
  }
  const communesPath = join(folder, COMMUNES_FILE);
  return {
    provision: {
      authorityPublicKey: parsed.data.authority.publicKey,
      participationKey: parsed.data.participationKey,
      electionFile,
      label,
    },
    ...(existsSync(communesPath) ? { communesPath } : {}),
  };
}

/**
 * Stores the keys handed over at set-up, then loads the signed election file if one is given. The
 * participation key goes into the key ring (sealed, or pending until the first account); a kiosk whose
 * keys are locked keeps the one it sealed, as a restart with the same provision must.
 */
export function applyProvision(
  store: KioskStore,
  keys: KeyRing,
  given: Provision,
  installElection: InstallElection,
  audit: Audit,
): void {
  const held = keys.participationKey();
  const changed =
    store.getSetting(settingKeys.authorityPublicKey) !== given.authorityPublicKey ||
    (held.ok && held.value !== given.participationKey);
  store.transaction(() => {
    store.setSetting(settingKeys.authorityPublicKey, given.authorityPublicKey);
    if (held.ok && held.value !== given.participationKey) keys.setParticipationKey(given.participationKey);
    if (given.recoveryKey && keys.unlocked()) keys.setRecoveryKey(given.recoveryKey);
    if (given.label !== undefined) store.setSetting(settingKeys.label, given.label);
    // Keys handed over directly (tests) stand for a finished setup: there is no check screen to see.
    store.setSetting(settingKeys.setupState, 'done');
    if (changed) audit('keys_provisioned', {});
  });
  if (!given.electionFile) return;
  const file = readElectionFile(given.electionFile, given.authorityPublicKey);
  if (!file.ok) {
    audit('package_refused', { reason: file.error.code });
    throw new ProvisionRefusedError(file.error.code, file.error.message);
  }
  const stored = store.getElectionPackage();
  if (
    stored &&
    stored.payload === file.value.document.payload &&
    stored.signature === file.value.document.signature
  )
    return; // the same file at every start: nothing to do, nothing to journal
  const installed = installElection(file.value.document);
  if (!installed.ok) throw new ProvisionRefusedError(installed.error.code, installed.error.message);
}
