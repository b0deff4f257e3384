/**
 * Stopping the server: a connection that never sent a request (a browser's preconnect, a stuck client)
 * must not hold `close()` open; requests in flight get CLOSE_GRACE_MS to finish first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { initDataDir } from '../../../src/server/datadir';
import { CLOSE_GRACE_MS, startServer } from '../../../src/server/serve';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('closes within its grace period even with a connection that never sent a request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isoloir-serve-'));
  dirs.push(dir);
  initDataDir(dir);
  const running = await startServer(dir, { port: 0, logger: false });
  const port = Number(new URL(running.url).port);
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const started = performance.now();
  const late = new Promise<'late'>((resolve) =>
    setTimeout(() => resolve('late'), CLOSE_GRACE_MS + 5000).unref(),
  );
  // Before the grace timer this waited for Node's request timeout (minutes).
  expect(await Promise.race([running.close().then(() => 'closed' as const), late])).toBe('closed');
  expect(performance.now() - started).toBeGreaterThanOrEqual(CLOSE_GRACE_MS - 50);
  await new Promise((resolve) => (socket.destroyed ? resolve(null) : socket.once('close', resolve)));
});
