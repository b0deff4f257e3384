/**
 * `npm run harness` as a person runs it (a real `tsx src/main/harness/cli.ts` child on a temp SQLite
 * file): the voter page's address carries the idle delays the renderer reads, 90 s then 30 s unless
 * --idle-seconds / --countdown-seconds (or ISOLOIR_IDLE_SECONDS / ISOLOIR_COUNTDOWN_SECONDS) say
 * otherwise; a wrong value stops it before anything opens, naming the option.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cli = join(root, 'src', 'main', 'harness', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'isoloir-harness-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment without the settings under test, so the machine's own cannot leak in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ['ISOLOIR_IDLE_SECONDS', 'ISOLOIR_COUNTDOWN_SECONDS', 'ISOLOIR_DB', 'ISOLOIR_PORT'])
    if (!(name in extra)) delete env[name];
  return env;
}

/** Starts the harness, answers the address it prints, and stops it. */
async function printedAddress(name: string, args: string[], env: Record<string, string> = {}): Promise<URL> {
  const child = spawn(tsx, [cli, '--db', join(dir, `${name}.sqlite`), '--port', '0', ...args], {
    cwd: root,
    env: cleanEnv(env),
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  try {
    return await new Promise<URL>((done, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(out);
        if (match) done(new URL(match[0]));
      });
      child.on('exit', (code) => fail(new Error(`harness exited ${String(code)}: ${out}${err}`)));
    });
  } finally {
    child.kill('SIGTERM');
  }
}

describe('harness CLI', () => {
  it('prints the voter address with the default delays, 90 s then 30 s', async () => {
    const url = await printedAddress('defaults', []);
    expect(url.search).toBe('?idle=90&countdown=30');
    // The secret stays in the fragment, never sent to a server.
    expect(url.hash).toMatch(/^#token=[A-Za-z0-9_-]{43}$/);
  });

  it('takes --idle-seconds and --countdown-seconds', async () => {
    const url = await printedAddress('options', ['--idle-seconds', '45', '--countdown-seconds', '12']);
    expect(url.search).toBe('?idle=45&countdown=12');
  });

  it('takes the environment when no option is given, the option over it', async () => {
    const env = { ISOLOIR_IDLE_SECONDS: '60', ISOLOIR_COUNTDOWN_SECONDS: '20' };
    expect((await printedAddress('env', [], env)).search).toBe('?idle=60&countdown=20');
    expect((await printedAddress('both', ['--idle-seconds', '75'], env)).search).toBe(
      '?idle=75&countdown=20',
    );
  });

  it('refuses a delay that is not 1 to 3600 seconds, before opening the kiosk', () => {
    const db = join(dir, 'refused.sqlite');
    const run = spawnSync(tsx, [cli, '--db', db, '--countdown-seconds', '0'], {
      cwd: root,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/--countdown-seconds .*« 0 » n’est pas un nombre de secondes entre 1 et 3600/);
    expect(existsSync(db)).toBe(false);
  });
});
