/**
 * Child process of the crash test (crash.test.ts): opens the kiosk core on the given database and casts
 * ballots in a loop, each by a new random voter, printing `CAST <ballotId>` on stdout only AFTER
 * castBallot returned (stdout to a pipe is synchronous on Linux, so a printed line is never lost). The
 * parent kills it with SIGKILL at random moments. Config: one JSON argument (see CrashChildConfig).
 */
import { randomBytes } from 'node:crypto';
import { openKiosk } from '../../src/main/core/kiosk';

export interface CrashChildConfig {
  dbPath: string;
  communesPath: string;
  electionFile: string;
  authorityPublicKey: string;
  participationKey: string;
  /** Fixed clock inside the election window (ISO). */
  now: string;
  choices: string[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as CrashChildConfig;
const at = new Date(config.now);
const kiosk = openKiosk({
  dbPath: config.dbPath,
  communesPath: config.communesPath,
  now: () => at,
  provision: {
    authorityPublicKey: config.authorityPublicKey,
    participationKey: config.participationKey,
    electionFile: config.electionFile,
  },
});
process.stdout.write('READY\n');

const pick = (): string[] => {
  const n = 1 + ((randomBytes(1)[0] ?? 0) % 3);
  return [...config.choices].sort(() => (randomBytes(1)[0] ?? 0) - 128).slice(0, n);
};

async function loop(): Promise<void> {
  for (;;) {
    const session = await kiosk.handlers.checkEligibility({
      communeCode: '62041',
      birthDate: '1980-01-01',
      familyName: `crash-${randomBytes(8).toString('hex')}`,
      firstName: 'Test',
      assisted: false,
    });
    if (!session.ok) throw new Error(`eligibility refused: ${session.error.code}`);
    const receipt = await kiosk.handlers.castBallot({ sessionId: session.value.sessionId, choices: pick() });
    if (!receipt.ok) throw new Error(`cast refused: ${receipt.error.code}`);
    const ballotId = receipt.value.checkUrl?.slice(-32) ?? '';
    process.stdout.write(`CAST ${ballotId}\n`);
  }
}

loop().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
