/**
 * Child process of the day's kill test (day-crash.test.ts): opens the kiosk core, has a mediator (the
 * first account, made on the first life), opens the day unless it is already open or paused, casts one
 * ballot, prints `OPEN`, then pauses and resumes the day in a loop, printing each state only AFTER the
 * call returned (stdout to a pipe is synchronous on Linux). The parent kills it with SIGKILL.
 */
import { randomBytes } from 'node:crypto';
import { openKiosk } from '../../src/main/core/kiosk';

export interface DayChildConfig {
  dbPath: string;
  communesPath: string;
  electionFile: string;
  authorityPublicKey: string;
  participationKey: string;
  /** Fixed clock inside the election window (ISO). */
  now: string;
  name: string;
  pin: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as DayChildConfig;
const at = new Date(config.now);

function must<T>(result: { ok: true; value: T } | { ok: false; error: { code: string } }, what: string): T {
  if (!result.ok) throw new Error(`${what}: ${result.error.code}`);
  return result.value;
}

async function live(): Promise<void> {
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
  const h = kiosk.handlers;
  const accounts = must(await h.mediatorStatus({}), 'mediatorStatus').accounts;
  const first = accounts[0];
  if (first) must(await h.unlockMediator({ accountId: first.id, pin: config.pin }), 'unlock');
  else must(await h.createFirstMediator({ name: config.name, pin: config.pin }), 'createFirstMediator');
  const state = must(await h.getStatus({}), 'status').day.state;
  if (state === 'closed') must(await h.openDay({}), 'openDay');
  if (state === 'paused') must(await h.resumeDay({}), 'resumeDay');

  const session = must(
    await h.checkEligibility({
      communeCode: '62041',
      birthDate: '1980-01-01',
      familyName: `day-${randomBytes(8).toString('hex')}`,
      firstName: 'Test',
      assisted: false,
    }),
    'eligibility',
  );
  must(await h.castBallot({ sessionId: session.sessionId, choices: ['jardin'] }), 'cast');
  process.stdout.write('OPEN\n');
  for (;;) {
    must(await h.pauseDay({}), 'pause');
    process.stdout.write('PAUSED\n');
    must(await h.resumeDay({}), 'resume');
    process.stdout.write('OPEN\n');
  }
}

live().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
