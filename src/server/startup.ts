/**
 * The line `serve` logs once it listens, for the operator reading `journalctl -u isoloir-server`: where
 * it listens, on which data folder, behind which proxy, which election and where it stands in its
 * window (per-project results stay embargoed until the close, DESIGN §3.10).
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { ElectionPackage } from '../shared/wire';
import { parseJsonBytes } from '../shared/node/crypto';
import type { ServerStore } from './store';

export type ElectionPhase = 'none' | 'before_opening' | 'open' | 'closed';

export interface StartupSummary {
  url: string;
  dataDir: string;
  trustProxy: string | null;
  electionId: string | null;
  opensAt: string | null;
  closesAt: string | null;
  phase: ElectionPhase;
  /** Whether choices may be published now: only once the election has closed. */
  choicesEmbargoed: boolean;
}

export function startupSummary(
  store: ServerStore,
  where: { url: string; dataDir: string; trustProxy?: string | undefined },
  now: Date,
): StartupSummary {
  const stored = store.currentElection();
  const parsed = stored
    ? ElectionPackage.safeParse(parseJsonBytes(Buffer.from(stored.payload, 'base64url')))
    : null;
  const pkg = parsed?.success ? parsed.data : null;
  const phase: ElectionPhase = !pkg
    ? 'none'
    : now < new Date(pkg.opensAt)
      ? 'before_opening'
      : now < new Date(pkg.closesAt)
        ? 'open'
        : 'closed';
  return {
    url: where.url,
    dataDir: resolve(where.dataDir),
    trustProxy: where.trustProxy ?? null,
    electionId: pkg?.electionId ?? null,
    opensAt: pkg?.opensAt ?? null,
    closesAt: pkg?.closesAt ?? null,
    phase,
    choicesEmbargoed: phase !== 'closed',
  };
}

/** `--trust-proxy`: one IP address, exactly (no range, no name: the proxy is one known machine). */
export function proxyAddress(value: string): string | null {
  const trimmed = value.trim();
  return isIP(trimmed) ? trimmed : null;
}
