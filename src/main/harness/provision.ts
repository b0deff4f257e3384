/**
 * Provisioning a kiosk from the generated sample (`npm run build:data` writes `resources/generated/`):
 * the demo authority's public key, the participation key, the signed election file and the communes list.
 * Used by the harness CLI, the demo, the e2e fixture and (through ISOLOIR_PROVISION_FROM) the Electron
 * shell. Only the public half of the authority key is read: a kiosk never needs the private one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { base64url } from '../../shared/wire';

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
  electionFile: string;
  label?: string;
}

export interface GeneratedKiosk {
  provision: Provision;
  /** The communes list, when the generated folder has one. */
  communesPath?: string;
}

export class ProvisionError extends Error {}

/** Reads `dir` (usually `resources/generated`); throws with the command to run when a file is missing. */
export function provisionFrom(dir: string, label = 'Kiosque de démonstration'): GeneratedKiosk {
  const folder = resolve(dir);
  const authorityPath = join(folder, DEMO_AUTHORITY_FILE);
  const electionFile = join(folder, SIGNED_ELECTION_FILE);
  for (const path of [authorityPath, electionFile]) {
    if (!existsSync(path)) {
      throw new ProvisionError(`${path} est absent : lancez d’abord « npm run build:data ».`);
    }
  }
  const parsed = DemoAuthorityPublic.safeParse(JSON.parse(readFileSync(authorityPath, 'utf8')));
  if (!parsed.success) {
    throw new ProvisionError(`${authorityPath} n’a pas la forme attendue : relancez « npm run build:data ».`);
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
