/**
 * `npm run demo`: the product's main job on one machine. A central server on an embedded SQLite data
 * folder publishes the sample election (opening today) and makes a one-time enrolment code; a kiosk
 * enrols with that code exactly as a counter's kiosk would (its own key pair, the authority key and the
 * participation key from the server, the signed package verified), then runs in Electron when this
 * machine has its binary, otherwise in the browser harness. Votes cast there reach the server as signed
 * batches by the kiosk's own uploader (every 20 ballots, or when the day is closed).
 *
 * Everything lives under `.demo/` (demo votes only). Steps are separate functions so each can be read alone:
 *   ensureBuilt() → startCentral() → enrolKiosk() → startKiosk() → printed addresses, Ctrl+C stops all.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { openKiosk, type Kiosk } from '../src/main/core/kiosk';
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

/**
 * Enrols `.demo/kiosk.sqlite` with the server unless it already is enrolled there. A kiosk database
 * from an earlier demo server (another day's folder) is moved aside, never deleted: it holds votes.
 */
export async function enrolKiosk(central: DemoServer): Promise<void> {
  if (existsSync(kioskDbPath)) {
    const kiosk = openKiosk({ dbPath: kioskDbPath, communesPath });
    const known = await fetch(`${central.url}/api/v1/kiosks/${kiosk.kioskId}`).then(
      (r) => r.ok,
      () => false,
    );
    const status = await kiosk.handlers.getStatus({});
    const sameElection = status.ok && status.value.election?.electionId === central.electionId;
    kiosk.close();
    if (known && sameElection) return;
    const aside = kioskDbPath.replace(/\.sqlite$/, `-${Date.now()}.sqlite`);
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(kioskDbPath + suffix)) renameSync(kioskDbPath + suffix, aside + suffix);
    console.log(`• Ancien kiosque de démonstration mis de côté : ${aside}`);
  }
  const kiosk = openKiosk({ dbPath: kioskDbPath, communesPath });
  try {
    const enrolled = await kiosk.handlers.enrol({
      serverUrl: central.url,
      code: central.enrolmentCode,
      label: 'Borne de démonstration',
    });
    if (!enrolled.ok) throw new Error(`Inscription du kiosque refusée : ${enrolled.error.message}`);
  } finally {
    kiosk.close();
  }
}

export interface RunningKiosk {
  /** What a person opens: the harness URL, or a note that Electron shows the kiosk itself. */
  where: string;
  stop(): Promise<void>;
}

/** The enrolled kiosk: Electron if its binary is here (it opens the database itself), else the harness. */
export async function startKiosk(options: { port?: number } = {}): Promise<RunningKiosk> {
  const electron = findElectronBinary();
  if ('path' in electron) {
    const child = spawn(electron.path, [resolve('out/main/index.js')], {
      stdio: 'inherit',
      env: { ...process.env, ISOLOIR_DB: kioskDbPath, ISOLOIR_COMMUNES: communesPath, ISOLOIR_DEV: '1' },
    });
    return {
      where: `fenêtre Electron (base ${kioskDbPath})`,
      stop: async () => {
        child.kill('SIGTERM');
      },
    };
  }
  console.log(`• Electron absent (${electron.missing}) : kiosque dans le navigateur.`);
  const kiosk: Kiosk = openKiosk({
    dbPath: kioskDbPath,
    communesPath,
    log: (event, detail) => console.log(JSON.stringify({ event, ...detail })),
  });
  const harness = await startHarness({ kiosk, rendererDir, port: options.port ?? 0 });
  return {
    where: harness.url,
    stop: async () => {
      await harness.close();
      kiosk.close();
    },
  };
}

async function main(): Promise<void> {
  ensureBuilt();
  const central = await startCentral();
  await enrolKiosk(central);
  const kiosk = await startKiosk({ port: Number(process.env['ISOLOIR_PORT'] ?? 0) });
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
      `  Tableau de bord (admin)       ${central.url}/admin   mot de passe : ${central.adminPassword}`,
      '',
      '  Démonstration : les résultats s’affichent pendant le vote (embargo levé, chaque page le dit) ;',
      '  lors d’un vrai vote, ils restent secrets jusqu’à la clôture.',
      '  Les votes partent vers le serveur par lots de 20, ou à la clôture de la journée',
      '  (bouton « Médiateur » en bas de l’accueil : choisissez un code, puis « Clôturer la journée »).',
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
