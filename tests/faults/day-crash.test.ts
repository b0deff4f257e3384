/**
 * The counter's day under abrupt process death: a child process opens the day, casts a ballot, then
 * pauses and resumes the day in a loop until it is killed with SIGKILL at a random moment. After each
 * kill the file is reopened as the next start would see it: the day is still open or paused (the last
 * state the child printed, or the next one, whose commit may have landed just before the kill), never
 * closed, the day's counts hold every ballot, and the journal's chain is intact. At the end a mediator
 * closes the day and the signed closing report counts every ballot of every life.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/main/core/audit';
import { openKiosk } from '../../src/main/core/kiosk';
import { ReportDocument } from '../../src/shared/report';
import { parseJsonBytes, verifyDocument } from '../../src/shared/node/crypto';
import {
  IN_WINDOW,
  makeAuthority,
  makeElection,
  tempDir,
  unwrap,
  writeCommunesFile,
  writeElectionFile,
} from '../unit/core/fixtures';
import { bundleScript } from './bundle';
import type { DayChildConfig } from './day-child';

const LIVES = 4;
const tmp = tempDir('isoloir-day-crash-');
const bundleDir = resolve('test-results', `day-child-${process.pid}`);
const childScript = join(bundleDir, 'day-child.mjs');
beforeAll(async () => {
  await bundleScript('tests/faults/day-child.ts', childScript, { kioskMigrations: true });
});
afterAll(() => {
  tmp.remove();
  rmSync(bundleDir, { recursive: true, force: true });
});

/** Runs the child until it has printed OPEN, kills it a random moment later; returns its last state. */
function liveAndDie(config: DayChildConfig): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [childScript, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last: string | null = null;
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (last === null) setTimeout(() => child.kill('SIGKILL'), randomInt(0, 200));
        last = line;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL' || last === null) reject(new Error(stderr || 'the child exited on its own'));
      else resolvePromise(last);
    });
  });
}

describe('the counter’s day killed with SIGKILL', () => {
  it(`stays open or paused with every ballot counted through ${LIVES} kills`, async () => {
    const authority = makeAuthority();
    const config: DayChildConfig = {
      dbPath: tmp.path('day.sqlite'),
      communesPath: writeCommunesFile(tmp.dir),
      electionFile: writeElectionFile(tmp.dir, makeElection(), authority),
      authorityPublicKey: authority.keys.publicKey,
      participationKey: authority.participationKey,
      now: IN_WINDOW.toISOString(),
      name: 'Camille',
      pin: '246813',
    };
    const reopen = (): ReturnType<typeof openKiosk> =>
      openKiosk({
        dbPath: config.dbPath,
        communesPath: config.communesPath,
        now: () => IN_WINDOW,
        pinKdfLogN: 10,
      });

    for (let life = 1; life <= LIVES; life++) {
      const printed = await liveAndDie(config);
      const kiosk = reopen();
      try {
        const day = (await unwrap(kiosk.handlers.getStatus({}))).day;
        const next = printed === 'OPEN' ? 'paused' : 'open';
        expect([printed.toLowerCase(), next]).toContain(day.state);
        expect(day.day).toBe('2026-09-05');
        expect(kiosk.store.countsBetween('2026-09-05', '2026-09-05', false)).toMatchObject({
          ballots: life,
          participations: life,
        });
        expect(verifyAuditChain(kiosk.store.listAuditEvents()).ok).toBe(true);
      } finally {
        kiosk.close();
      }
    }

    const kiosk = reopen();
    try {
      const h = kiosk.handlers;
      const [account] = (await unwrap(h.mediatorStatus({}))).accounts;
      await unwrap(h.unlockMediator({ accountId: account?.id ?? '', pin: config.pin }));
      const closing = await unwrap(h.closeDay({}));
      const verified = verifyDocument('report', closing.document, kiosk.context.identity.publicKey);
      expect(verified.ok).toBe(true);
      if (!verified.ok) return;
      const report = ReportDocument.parse(parseJsonBytes(verified.bytes));
      expect(report).toMatchObject({
        kind: 'closing',
        ballots: LIVES,
        participations: LIVES,
        mediators: ['Camille'],
      });
      const reports = await unwrap(h.listReports({}));
      expect(reports.map((r) => r.kind)).toEqual(['opening', 'closing']);
    } finally {
      kiosk.close();
    }
  }, 120_000);
});
