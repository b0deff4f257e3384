/**
 * Child process of the kill test (kills.test.ts): a real kiosk core with its upload loop running,
 * killed with SIGKILL by the parent at random moments and started again on the same file. One JSON
 * argument (KillKioskChildConfig).
 * - `vote`: enrols first when given a code, opens the counter's day, then has voters cast one after
 *   the other, each through eligibility (a new random name) and the cast, printing `CAST <receipt
 *   code>` on stdout only AFTER the cast returned: what the voter was shown (a pipe write of one short
 *   line is atomic and synchronous on Linux, so a printed line is never lost).
 * - `drain`: its clock set past the election's close, so the kiosk seals everything open as its final
 *   batch and uploads it; casts nothing.
 * Both print `READY <kioskId>` once started (vote: once the day is open), and the sync status as a JSON
 * line every 100 ms.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { keyFingerprint } from '../../src/shared/node/crypto';
import { enrolThroughSetup, openTestKiosk, sleep, testSyncOptions } from '../integration/sync/harness';
import { castAsVoter, openTestDay } from '../unit/core/fixtures';

export interface KillKioskChildConfig {
  dbPath: string;
  /** The communes file of the kiosk's department (a bundle finds no generated one beside it). */
  communesPath: string;
  mode: 'vote' | 'drain';
  /** First life only: enrol with this code at this server. */
  enrol?: { serverUrl: string; code: string; authorityPublicKey: string };
  /** Added to the real clock (drain: past the close). */
  clockOffsetMs: number;
  /** Each voter takes a random pause up to this long before casting. */
  maxPauseMs: number;
  choices: string[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as KillKioskChildConfig;
const t = await openTestKiosk(config.dbPath, {
  now: () => new Date(Date.now() + config.clockOffsetMs),
  sync: testSyncOptions,
  communesPath: config.communesPath,
});
const { kiosk } = t;
if (config.enrol) {
  const enrolled = await enrolThroughSetup(kiosk, {
    serverUrl: config.enrol.serverUrl,
    code: config.enrol.code,
    label: 'kill',
    authorityFingerprint: keyFingerprint(config.enrol.authorityPublicKey),
  });
  if (!enrolled.ok) throw new Error(`enrolment: ${enrolled.error.message}`);
}
setInterval(() => process.stdout.write(`${JSON.stringify(t.engine.status())}\n`), 100);

const pick = (): string[] => {
  const shuffled = [...config.choices].sort(() => randomInt(3) - 1);
  return shuffled.slice(0, 1 + randomInt(3)).sort();
};

if (config.mode === 'vote') {
  await openTestDay(kiosk);
  process.stdout.write(`READY ${kiosk.kioskId}\n`);
  for (;;) {
    await sleep(randomInt(config.maxPauseMs + 1));
    const code = await castAsVoter(kiosk, `kill-${randomBytes(8).toString('hex')}`, pick());
    process.stdout.write(`CAST ${code}\n`);
  }
} else {
  process.stdout.write(`READY ${kiosk.kioskId}\n`);
  t.engine.kick();
}
