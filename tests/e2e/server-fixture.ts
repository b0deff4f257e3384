/**
 * Starts the real central server for the server-*.spec.ts tests: a fresh temporary data folder
 * (`initDataDir`: authority key, scrypt admin password), the test election published and signed by
 * `publishElection`, and `startServer` listening on 127.0.0.1 with the web pages wired by the server
 * core. Kiosks enrol and upload through the real API (`POST /api/v1/kiosks`, `POST /api/v1/batches`):
 * nothing is faked between the pages and the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initDataDir, openDataDir } from '../../src/server/datadir';
import { publishElection } from '../../src/server/election';
import { createEnrolmentCode } from '../../src/server/enrolment';
import { startServer, type RunningServer, type ServeOptions } from '../../src/server/serve';
import type { BatchEnvelope, ElectionPackage } from '../../src/shared/wire';
import { enrolRequest } from '../integration/server/enrol-request';
import type { TestKiosk } from './server-data';

export interface WebTestServer {
  url: string;
  password: string;
  /** The authority's public key (base64url), whose fingerprint a kiosk's setup compares. */
  authorityPublicKey: string;
  running: RunningServer;
  /** `POST /api/v1/batches`; the HTTP status. */
  upload(envelope: BatchEnvelope): Promise<number>;
  /** `POST /api/v1/kiosks` with this code and the kiosk's proof of possession; the HTTP status. */
  enrol(kiosk: TestKiosk, code: string): Promise<number>;
  /** A fresh one-time enrolment code, as the CLI's `enrol-code` makes it. */
  createCode(label: string): string;
  close(): Promise<void>;
}

export async function startWebTestServer(
  election: ElectionPackage | null,
  options: ServeOptions = {},
): Promise<WebTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'isoloir-web-'));
  const { password, authorityPublicKey } = initDataDir(dir);
  if (election) {
    const data = openDataDir(dir);
    try {
      const published = publishElection(data.store, data.authority, election, new Date());
      if (!published.ok) throw new Error(published.error.message);
    } finally {
      data.store.close();
    }
  }
  const running = await startServer(dir, { port: 0, logger: false, ...options });
  const post = async (path: string, body: unknown): Promise<number> => {
    const response = await fetch(`${running.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    return response.status;
  };
  return {
    url: running.url,
    password,
    authorityPublicKey,
    running,
    upload: (envelope) => post('/api/v1/batches', envelope),
    enrol: (kiosk, code) => post('/api/v1/kiosks', enrolRequest(code, kiosk.keys, kiosk.label, running.url)),
    createCode(label) {
      const created = createEnrolmentCode(running.data.store, label, 1, new Date());
      if (!created.ok) throw new Error(created.error.message);
      return created.value.code;
    },
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
