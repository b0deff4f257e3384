/**
 * Durable before "Merci" (DESIGN §3.3), under abrupt process death: a child process casts ballots in a
 * loop and is killed with SIGKILL at ≥ 50 random moments (during start-up, migrations, in the middle of
 * casts and of the sealing a 20th cast does), then restarted. After each kill: the file passes
 * quick_check, every ballot whose receipt the child printed is stored, no ballot is stored twice (open
 * sets and sealed batches together), and ballots, participations and `ballot_cast` journal events always
 * match one for one (the one-transaction rule), with the journal's hash chain intact.
 *
 * SIGKILL keeps the operating system's page cache, so this proves SQLite's transaction boundaries, not
 * the disk's flush: that part is `synchronous=FULL`, checked on every opened file (store.test.ts).
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/main/core/audit';
import { openDatabase } from '../../src/shared/node/sqlite';
import { kioskMigrations } from '../../src/main/core/migrations';
import { KioskStore, settingKeys } from '../../src/main/core/store';
import {
  fromBase64url,
  kioskIdFromPublicKey,
  parseJsonBytes,
  receiptCommitment,
} from '../../src/shared/node/crypto';
import { BatchPayload } from '../../src/shared/wire';
import { SyncStore } from '../../src/main/core/sync/sync-store';
import {
  IN_WINDOW,
  makeAuthority,
  makeElection,
  tempDir,
  writeCommunesFile,
  writeElectionFile,
} from '../unit/core/fixtures';
import type { CrashChildConfig } from './crash-child';
import {
  countParticipations,
  openReceiptCommitments,
  unlockedKeys,
} from '../../src/main/core/store.test-helpers';
import { bundleScript } from './bundle';

const KILLS = 50;
const tmp = tempDir('isoloir-crash-');
// The child is bundled once (bundle.ts): 50 starts under tsx would cost seconds each.
const bundleDir = resolve('test-results', `crash-child-${process.pid}`);
const childScript = join(bundleDir, 'crash-child.mjs');
beforeAll(async () => {
  await bundleScript('tests/faults/crash-child.ts', childScript, { kioskMigrations: true });
});
afterAll(() => {
  tmp.remove();
  rmSync(bundleDir, { recursive: true, force: true });
});

interface Life {
  printed: string[];
  ready: boolean;
  exitedEarly: string | null;
}

/** Starts the child, kills it with SIGKILL after a random delay, and returns what it printed. */
function liveAndDie(config: CrashChildConfig): Promise<Life> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const life: Life = { printed: [], ready: false, exitedEarly: null };
    let buffer = '';
    let stderr = '';
    let killed = false;
    const kill = (): void => {
      if (!killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    // One life in five dies at a random moment of start-up (opening, migrating, provisioning).
    const duringStartup = randomInt(5) === 0;
    if (duringStartup) setTimeout(kill, randomInt(50, 600));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'READY') {
          life.ready = true;
          if (!duringStartup) setTimeout(kill, randomInt(0, 250));
        } else if (line.startsWith('CAST ')) life.printed.push(line.slice(5));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') life.exitedEarly = stderr || `exit without kill`;
      resolve(life);
    });
  });
}

describe('kiosk killed with SIGKILL while casting', () => {
  it(`keeps every acknowledged ballot, exactly once, through ${KILLS} kills`, async () => {
    const authority = makeAuthority();
    const election = makeElection();
    const config: CrashChildConfig = {
      dbPath: tmp.path('crash.sqlite'),
      communesPath: writeCommunesFile(tmp.dir),
      electionFile: writeElectionFile(tmp.dir, election, authority),
      authorityPublicKey: authority.keys.publicKey,
      participationKey: authority.participationKey,
      now: IN_WINDOW.toISOString(),
      choices: election.projects.map((p) => p.id),
      mediatorPin: '135791',
    };
    const acknowledged = new Set<string>();
    let lives = 0;
    let killsMidCast = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const life = await liveAndDie(config);
      expect(life.exitedEarly, 'the child must only die by our SIGKILL').toBeNull();
      lives += 1;
      if (life.ready && life.printed.length > 0) killsMidCast += 1;
      for (const code of life.printed) {
        expect(acknowledged.has(code), `receipt ${code} acknowledged twice`).toBe(false);
        acknowledged.add(code);
      }

      // After the crash, as the next start would see it.
      const db = openDatabase(config.dbPath, kioskMigrations()); // throws DatabaseCorruptError unless quick_check is ok
      const store = new KioskStore(db);
      const ballots = store.listBallots();
      // Every ballot's receipt commitment, open or sealed: each acknowledged receipt is there exactly
      // once (a ballot both open and sealed would show its receipt twice).
      const publicKey = store.getSetting(settingKeys.kioskPublicKey);
      // The open ballots' commitments are sealed under the kiosk's keys: opened with the mediator's PIN,
      // as the next start would. Before the first account exists nothing was cast.
      const openCommitments = store.getSetting(settingKeys.keyVault)
        ? openReceiptCommitments(store, await unlockedKeys(store, config.mediatorPin), false)
        : [];
      if (openCommitments.length === 0) expect(store.countOpenBallots(false)).toBe(0);
      const commitments = [
        ...openCommitments,
        ...new SyncStore(store)
          .allBatches()
          .flatMap(
            (b) =>
              BatchPayload.parse(parseJsonBytes(fromBase64url(b.envelope.payload) ?? Buffer.alloc(0)))
                .receipts,
          ),
      ];
      expect(new Set(commitments).size).toBe(commitments.length);
      expect(commitments).toHaveLength(ballots.length);
      expect(store.countBallots(false)).toBe(ballots.length);
      expect(store.listParticipations().filter((p) => !p.training)).toHaveLength(ballots.length);
      const stored = new Set(commitments);
      if (acknowledged.size > 0) {
        // A ballot was acknowledged, so the kiosk had its key by then.
        expect(publicKey).not.toBeNull();
        const kioskId = kioskIdFromPublicKey(publicKey ?? '');
        for (const code of acknowledged)
          expect(stored.has(receiptCommitment(kioskId, code)), `acknowledged ballot ${code} lost`).toBe(true);
      }
      // At most the one ballot in flight at the kill is stored without having been printed.
      expect(ballots.length - acknowledged.size).toBeGreaterThanOrEqual(0);
      expect(ballots.length - acknowledged.size).toBeLessThanOrEqual(kill + 1);
      const events = store.listAuditEvents();
      expect(countParticipations(store, false)).toBe(ballots.length);
      expect(events.filter((e) => e.kind === 'ballot_cast')).toHaveLength(ballots.length);
      expect(verifyAuditChain(events).ok).toBe(true);
      store.close();
      process.stderr.write(
        `\rcrash test: ${kill + 1}/${KILLS} kills, ${acknowledged.size} ballots acknowledged   `,
      );
    }
    process.stderr.write('\n');
    expect(lives).toBe(KILLS);
    // The test must really have interrupted casting, not only start-ups.
    expect(killsMidCast).toBeGreaterThanOrEqual(KILLS / 2);
    expect(acknowledged.size).toBeGreaterThan(KILLS);
  }, 180_000);
});
