/**
 * `npm run demo`: the product's main job on one machine. A central server on an embedded SQLite data
 * folder publishes the sample election (opening today) and makes a one-time enrolment code; a kiosk is
 * set up through the very API calls a mediator makes on its setup screens (first mediator account "Démo"
 * with a random PIN, online enrolment with the code and the authority fingerprint, check, the day
 * opened), then runs in Electron when this machine has its binary, otherwise in the browser harness. Votes cast there reach the server as signed
 * batches by the kiosk's own uploader (every 20 ballots, or when the day is closed).
 *
 * Everything lives under `.demo/` (demo votes only). Steps are separate functions so each can be read alone:
 *   ensureBuilt() → startCentral() → startKiosk() (openDemoKiosk → setUpKiosk) → printed addresses and
 *   the mediator's PIN, Ctrl+C stops all.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { openKiosk, type Kiosk, type KioskOptions } from '../src/main/core/kiosk';
import { keyFingerprint } from '../src/shared/node/crypto';
import { findElectronBinary } from '../src/main/harness/electron-binary';
import { startHarness } from '../src/main/harness/server';
import { startDemoServer, type DemoServer } from '../src/server/demo';

export const demoDir = resolve('.demo');
export const generatedDir = resolve('resources/generated');
export const rendererDir = resolve('out/renderer');
const communesPath = join(generatedDir, 'communes-62.json');
const kioskDbPath = join(demoDir, 'kiosk.sqlite');

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} a échoué`);
}

export function ensureBuilt(): void {
  // The sample opens "today": rebuilt every run (fast, keys kept), so the demo works on any date.
  run('npm', ['run', '--silent', 'build:data']);
  if (!existsSync(join(rendererDir, 'index.html')) || !existsSync(resolve('out/main/index.js'))) {
    console.log('• Application non construite : npx electron-vite build');
    run('npx', ['electron-vite', 'build']);
  }
}

/** The wanted port when it is free, else one the system picks. */
async function freePort(wanted: number): Promise<number> {
  const tryListen = (port: number): Promise<number | null> =>
    new Promise((done) => {
      const probe = createServer();
      probe.once('error', () => done(null));
      probe.listen(port, '127.0.0.1', () => {
        const address = probe.address();
        const chosen = typeof address === 'object' && address ? address.port : null;
        probe.close(() => done(chosen));
      });
    });
  return (await tryListen(wanted)) ?? (await tryListen(0)) ?? wanted;
}

/** The central server, with the sample package pointing voters' receipts at its own check page. */
export async function startCentral(): Promise<DemoServer> {
  const port = await freePort(Number(process.env['ISOLOIR_SERVER_PORT'] ?? 8080));
  const sample = JSON.parse(readFileSync(join(generatedDir, 'sample-election.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  mkdirSync(demoDir, { recursive: true });
  const packagePath = join(demoDir, 'election.json');
  writeFileSync(
    packagePath,
    JSON.stringify({ ...sample, receiptCheckUrl: `http://127.0.0.1:${port}/recu?code=` }),
  );
  // A demo shows the results moving as votes arrive: the embargo is lifted, and every page says so.
  return startDemoServer({ dataDir: join(demoDir, 'server'), packagePath, port, liveResults: true });
}

/** The demo mediator: a name and a random 6-digit PIN, kept beside the demo kiosk to print at each run. */
interface DemoMediator {
  name: string;
  pin: string;
}

const mediatorFile = join(demoDir, 'mediateur.json');

function newDemoMediator(): DemoMediator {
  return { name: 'Démo', pin: String(randomInt(100_000, 1_000_000)) };
}

function readDemoMediator(): DemoMediator | null {
  try {
    const value = JSON.parse(readFileSync(mediatorFile, 'utf8')) as Partial<DemoMediator>;
    return typeof value.name === 'string' && typeof value.pin === 'string'
      ? { name: value.name, pin: value.pin }
      : null;
  } catch {
    return null;
  }
}

const fail = (step: string, result: { ok: false; error: { message: string } }): never => {
  throw new Error(`${step} : ${result.error.message}`);
};

/**
 * Sets a fresh kiosk up exactly as a mediator does on the setup screens, through the same API calls: the
 * first mediator account, online enrolment with the server's address, code and authority fingerprint,
 * the check screen, then the day opened. No key reaches the kiosk any other way.
 */
export async function setUpKiosk(kiosk: Kiosk, central: DemoServer, mediator: DemoMediator): Promise<void> {
  const created = await kiosk.handlers.createFirstMediator(mediator);
  if (!created.ok) fail('Premier compte médiateur refusé', created);
  else if (!created.value.current) {
    const account = created.value.accounts[0];
    if (account) {
      const unlocked = await kiosk.handlers.unlockMediator({ accountId: account.id, pin: mediator.pin });
      if (!unlocked.ok) fail('Session médiateur refusée', unlocked);
    }
  }
  const enrolled = await kiosk.handlers.enrolOnline({
    serverUrl: central.url,
    code: central.enrolmentCode,
    label: 'Borne de démonstration',
    authorityFingerprint: keyFingerprint(central.authorityPublicKey),
  });
  if (!enrolled.ok) fail('Inscription du kiosque refusée', enrolled);
  const finished = await kiosk.handlers.finishSetup({});
  if (!finished.ok) fail('Fin de l’installation refusée', finished);
  await openDemoDay(kiosk);
}

/** Opens the counter's day (as the mediator's "Ouvrir la journée"), so a newcomer lands on "Je vote". */
async function openDemoDay(kiosk: Kiosk): Promise<void> {
  const status = await kiosk.handlers.getStatus({});
  if (status.ok && status.value.day.state === 'open') return;
  const opened = await kiosk.handlers.openDay({});
  if (!opened.ok) fail('Ouverture de la journée refusée', opened);
}

/**
 * The demo kiosk on `.demo/kiosk.sqlite`, set up with this server unless it already is. A kiosk database
 * from an earlier demo server (another day's folder), or whose mediator's PIN is lost, is moved aside,
 * never deleted: it holds votes.
 */
export async function openDemoKiosk(
  central: DemoServer,
  options: Omit<KioskOptions, 'dbPath'> = {},
): Promise<{ kiosk: Kiosk; mediator: DemoMediator }> {
  const known = readDemoMediator();
  if (existsSync(kioskDbPath)) {
    const kiosk = openKiosk({ dbPath: kioskDbPath, communesPath, ...options });
    const status = await kiosk.handlers.getStatus({});
    const sameElection = status.ok && status.value.election?.electionId === central.electionId;
    const setUp = status.ok && status.value.setup === 'done';
    const enrolledHere = await fetch(`${central.url}/api/v1/kiosks/${kiosk.kioskId}`).then(
      (r) => r.ok,
      () => false,
    );
    if (known && sameElection && setUp && enrolledHere) {
      // The day stays as it was left; a mediator session lets the demo open it if it is closed.
      const accounts = await kiosk.handlers.mediatorStatus({});
      const id = accounts.ok ? accounts.value.accounts[0]?.id : undefined;
      if (id && (await kiosk.handlers.unlockMediator({ accountId: id, pin: known.pin })).ok) {
        await openDemoDay(kiosk);
        return { kiosk, mediator: known };
      }
    }
    kiosk.close();
    const aside = kioskDbPath.replace(/\.sqlite$/, `-${Date.now()}.sqlite`);
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(kioskDbPath + suffix)) renameSync(kioskDbPath + suffix, aside + suffix);
    console.log(`• Ancien kiosque de démonstration mis de côté : ${aside}`);
  }
  const mediator = newDemoMediator();
  writeFileSync(mediatorFile, JSON.stringify(mediator), { mode: 0o600 });
  const kiosk = openKiosk({ dbPath: kioskDbPath, communesPath, ...options });
  try {
    await setUpKiosk(kiosk, central, mediator);
  } catch (error) {
    kiosk.close();
    throw error;
  }
  return { kiosk, mediator };
}

export interface RunningKiosk {
  /** What a person opens: the harness URL, or a note that Electron shows the kiosk itself. */
  where: string;
  stop(): Promise<void>;
}

/**
 * The set-up kiosk: Electron if its binary is here (it opens the database itself, and the mediator
 * opens the day with the printed PIN), else the browser harness over the kiosk already open.
 */
export async function startKiosk(
  central: DemoServer,
  options: { port?: number } = {},
): Promise<RunningKiosk & { mediator: DemoMediator }> {
  const log = (event: string, detail?: Record<string, string | number | boolean>): void =>
    console.log(JSON.stringify({ event, ...detail }));
  const electron = findElectronBinary();
  if ('path' in electron) {
    const { kiosk, mediator } = await openDemoKiosk(central);
    kiosk.close();
    const child = spawn(electron.path, [resolve('out/main/index.js')], {
      stdio: 'inherit',
      env: { ...process.env, ISOLOIR_DB: kioskDbPath, ISOLOIR_COMMUNES: communesPath, ISOLOIR_DEV: '1' },
    });
    return {
      where: `fenêtre Electron (base ${kioskDbPath})`,
      mediator,
      stop: async () => {
        child.kill('SIGTERM');
      },
    };
  }
  console.log(`• Electron absent (${electron.missing}) : kiosque dans le navigateur.`);
  const { kiosk, mediator } = await openDemoKiosk(central, { log });
  const harness = await startHarness({ kiosk, rendererDir, port: options.port ?? 0 });
  return {
    where: harness.url,
    mediator,
    stop: async () => {
      await harness.close();
      kiosk.close();
    },
  };
}

async function main(): Promise<void> {
  ensureBuilt();
  const central = await startCentral();
  const kiosk = await startKiosk(central, { port: Number(process.env['ISOLOIR_PORT'] ?? 0) });
  const line = '─'.repeat(76);
  console.log(
    [
      '',
      line,
      '  isoloir — démonstration prête',
      '',
      `  Kiosque de vote               ${kiosk.where}`,
      `  Résultats publics             ${central.url}/`,
      `  Mon vote a-t-il été compté ?  ${central.url}/recu`,
      `  Médiateur                     ${kiosk.mediator.name}   code : ${kiosk.mediator.pin}`,
      `  Serveur central               ${central.url}`,
      `  Tableau de bord (admin)       ${central.url}/admin   mot de passe : ${central.adminPassword}`,
      '',
      '  Démonstration : les résultats s’affichent pendant le vote (embargo levé, chaque page le dit) ;',
      '  lors d’un vrai vote, ils restent secrets jusqu’à la clôture.',
      '  Les votes partent vers le serveur par groupes de 20, tirés au hasard quand 40 attendent, et le',
      '  reste à la clôture du vote. Espace médiateur : bouton « Médiateur » en bas de l’accueil,',
      '  compte « Démo » et le code ci-dessus.',
      '  Ctrl+C pour arrêter.',
      line,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    Promise.all([kiosk.stop(), central.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
