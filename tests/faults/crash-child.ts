/**
 * Child process of the crash test (crash.test.ts): opens the kiosk core on the given database, has its
 * mediator open the counter's day, and casts ballots in a loop, each by a new random voter, printing
 * `CAST <receipt code>` on stdout only AFTER castBallot returned (stdout to a pipe is synchronous on Linux,
 * so a printed line is never lost). The parent kills it with SIGKILL at random moments. Config: one JSON
 * argument (see CrashChildConfig).
 */
import { randomBytes } from 'node:crypto';
import { openKiosk } from '../../src/main/core/kiosk';
import { castAsVoter } from '../unit/core/fixtures';

export interface CrashChildConfig {
  dbPath: string;
  communesPath: string;
  electionFile: string;
  authorityPublicKey: string;
  participationKey: string;
  /** Fixed clock inside the election window (ISO). */
  now: string;
  choices: string[];
  /** The PIN of the mediator account the child makes on its first life. */
  mediatorPin: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as CrashChildConfig;
const at = new Date(config.now);
const kiosk = openKiosk({
  dbPath: config.dbPath,
  communesPath: config.communesPath,
  now: () => at,
  pinKdfLogN: 10,
  provision: {
    authorityPublicKey: config.authorityPublicKey,
    participationKey: config.participationKey,
    electionFile: config.electionFile,
  },
});

const pick = (): string[] => {
  const n = 1 + ((randomBytes(1)[0] ?? 0) % 3);
  return [...config.choices].sort(() => (randomBytes(1)[0] ?? 0) - 128).slice(0, n);
};

const MEDIATOR = { name: 'Crash', pin: config.mediatorPin };

/** A mediator (made on the first life, unlocked on the next ones) opens the day unless it is open. */
async function openTheDay(): Promise<void> {
  const h = kiosk.handlers;
  const status = await h.mediatorStatus({});
  if (!status.ok) throw new Error(`mediator status: ${status.error.code}`);
  const first = status.value.accounts[0];
  const unlocked = first
    ? await h.unlockMediator({ accountId: first.id, pin: MEDIATOR.pin })
    : await h.createFirstMediator(MEDIATOR);
  if (!unlocked.ok) throw new Error(`mediator: ${unlocked.error.code}`);
  const kioskStatus = await h.getStatus({});
  if (kioskStatus.ok && kioskStatus.value.day.state !== 'open') {
    const opened = kioskStatus.value.day.state === 'closed' ? await h.openDay({}) : await h.resumeDay({});
    if (!opened.ok) throw new Error(`day: ${opened.error.code}`);
  }
}

async function loop(): Promise<void> {
  await openTheDay();
  // Ready once the day is open: the parent's kills then land among the casts, not the mediator's login.
  process.stdout.write('READY\n');
  for (;;) {
    const code = await castAsVoter(kiosk, `crash-${randomBytes(8).toString('hex')}`, pick());
    process.stdout.write(`CAST ${code}\n`);
  }
}

loop().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
