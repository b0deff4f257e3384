/**
 * `npm run demo`: a kiosk to try on this machine, in a few steps kept as separate functions so the central
 * server's part can be added beside them (startServer, enrolment…):
 *   1. ensureBuilt()  builds the sample data and the app when they are missing;
 *   2. startKiosk()   a kiosk database under .demo/, provisioned from resources/generated/, shown in
 *                     Electron when this machine has its binary, else through the browser harness;
 *   3. prints where to go, and stops everything cleanly on Ctrl+C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openKiosk } from '../src/main/core/kiosk';
import { findElectronBinary } from '../src/main/harness/electron-binary';
import { provisionFrom } from '../src/main/harness/provision';
import { startHarness } from '../src/main/harness/server';

export const demoDir = resolve('.demo');
export const generatedDir = resolve('resources/generated');
export const rendererDir = resolve('out/renderer');

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} a échoué`);
}

export function ensureBuilt(): void {
  if (!existsSync(join(generatedDir, 'sample-election.signed.json'))) {
    console.log('• Données d’exemple absentes : npm run build:data');
    run('npm', ['run', 'build:data']);
  }
  if (!existsSync(join(rendererDir, 'index.html')) || !existsSync(resolve('out/main/index.js'))) {
    console.log('• Application non construite : npx electron-vite build');
    run('npx', ['electron-vite', 'build']);
  }
}

export interface RunningKiosk {
  /** What a person opens: the harness URL, or a note that Electron shows the kiosk itself. */
  where: string;
  stop(): Promise<void>;
}

/** One kiosk on `.demo/<name>.sqlite`: Electron if its binary is here, else the browser harness. */
export async function startKiosk(options: { name?: string; port?: number } = {}): Promise<RunningKiosk> {
  mkdirSync(demoDir, { recursive: true });
  const dbPath = join(demoDir, `${options.name ?? 'kiosk'}.sqlite`);
  const electron = findElectronBinary();
  if ('path' in electron) {
    // Electron's main process opens the core itself (one process per database), on the same file and
    // provisioning as the harness would use.
    const child = spawn(electron.path, [resolve('out/main/index.js')], {
      stdio: 'inherit',
      env: { ...process.env, ISOLOIR_DB: dbPath, ISOLOIR_PROVISION_FROM: generatedDir, ISOLOIR_DEV: '1' },
    });
    return {
      where: `fenêtre Electron (base ${dbPath})`,
      stop: async () => {
        child.kill('SIGTERM');
      },
    };
  }
  console.log(`• Electron absent (${electron.missing}) : kiosque dans le navigateur.`);
  const generated = provisionFrom(generatedDir);
  const kiosk = openKiosk({
    dbPath,
    provision: generated.provision,
    ...(generated.communesPath ? { communesPath: generated.communesPath } : {}),
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
  const kiosk = await startKiosk({ port: Number(process.env['ISOLOIR_PORT'] ?? 0) });
  const line = '─'.repeat(72);
  console.log(
    `\n${line}\n  Kiosque isoloir prêt :\n\n    ${kiosk.where}\n\n  Ctrl+C pour arrêter.\n${line}\n`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    kiosk.stop().then(
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
