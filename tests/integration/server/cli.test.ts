/**
 * The server's command line as an operator runs it: real child processes (`tsx src/server/cli.ts`, and
 * once the esbuild bundle as `npm run build` makes it) on a temp data folder. Covers init (key mode
 * 0600, password printed once), election publish, enrol-code (code on the last line), USB import in seq
 * order through the same checks as HTTP, export-audit (recounted by the independent verify),
 * export-pb, results --json (same as the API), and serve.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { build } from 'esbuild';
import { usbFileName } from '../../../src/shared/wire';
import { buildApp } from '../../../src/server/app';
import { DB_FILE, openDataDir, verifyAdminPassword } from '../../../src/server/datadir';
import { verifyBundle } from '../../../src/server/verify/verify';
import { Chain, makePackage, post } from './helpers';
import { enrolRequest } from './enrol-request';

const root = resolve(__dirname, '../../..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cliSource = join(root, 'src', 'server', 'cli.ts');

function cli(args: string[], runner: string[] = [tsx, cliSource]) {
  const [cmd, ...pre] = runner;
  const res = spawnSync(cmd ?? 'node', [...pre, ...args], { encoding: 'utf8', cwd: root });
  return {
    code: res.status,
    stdout: res.stdout,
    stderr: res.stderr,
    lastLine: res.stdout.trim().split('\n').pop() ?? '',
  };
}

let work: string;
let data: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'isoloir-cli-'));
  data = join(work, 'data');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Each step is a real `tsx` child process that transforms the CLI anew: seconds each on a loaded 2-core
// machine. The time limits only catch a hang.
describe('server CLI', () => {
  test('init, publish, enrol-code, import, exports, results', async () => {
    const init = cli(['init', '--data', data]);
    expect(init.code, init.stderr).toBe(0);
    const password = init.lastLine;
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(statSync(join(data, 'authority.key')).mode & 0o777).toBe(0o600);
    expect(cli(['init', '--data', data]).code).toBe(1);

    const badPkg = join(work, 'bad.json');
    writeFileSync(badPkg, JSON.stringify({ ...makePackage(), minChoices: 5 }));
    const refused = cli(['election', 'publish', badPkg, '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Paquet d’élection invalide/);
    const pkg = makePackage();
    const pkgFile = join(work, 'election.json');
    writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    const published = cli(['election', 'publish', pkgFile, '--data', data]);
    expect(published.code, published.stderr).toBe(0);

    const enrol = cli(['enrol-code', '--label', 'Comptoir d’Arras', '--expires', '2', '--data', data]);
    expect(enrol.code, enrol.stderr).toBe(0);
    expect(enrol.lastLine).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // A kiosk enrols with that code over HTTP (in-process app on the same folder), sends batch 1 online,
    // and brings batches 1..11 on a USB stick (1 is then a duplicate), with a tampered 12 and a stray file.
    let dir = openDataDir(data);
    expect(verifyAdminPassword(dir.store, password)).toBe(true);
    expect(verifyAdminPassword(dir.store, `${password}x`)).toBe(false);
    dir.store.close();
    const reset = cli(['admin-password', '--data', data]);
    expect(reset.code, reset.stderr).toBe(0);
    dir = openDataDir(data);
    expect(verifyAdminPassword(dir.store, password)).toBe(false);
    expect(verifyAdminPassword(dir.store, reset.lastLine)).toBe(true);
    const app = await buildApp({ ...dir, dbPath: join(data, DB_FILE) }, { web: false, liveResults: true });
    const { generateKeyPair } = await import('../../../src/shared/node/crypto');
    const keys = generateKeyPair();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/kiosks',
      payload: enrolRequest(enrol.lastLine, keys, 'borne'),
    });
    expect(res.statusCode).toBe(201);
    const enrolled = res.json<{ kioskId: string; participationKey: string; authorityPublicKey: string }>();
    const chain = new Chain({ ...enrolled, keys }, pkg);
    // Eleven batches of K (10), then the kiosk's final rest of 3, whose file is tampered below.
    for (let i = 0; i < 11; i++) chain.add();
    chain.add({ ballots: 3, final: true });
    expect((await post(app, chain.envelopes[0])).status).toBe(201);
    const usb = join(work, 'usb');
    mkdirSync(usb);
    chain.envelopes.forEach((e, i) => {
      // One bit of the signature's first byte flipped: a real change whatever the signature's bytes (writing
      // "AA" over its last two characters left about one signature in 256 unchanged).
      const flipped = Buffer.from(e.signature, 'base64url');
      flipped[0] = (flipped[0] ?? 0) ^ 0x01;
      const tampered = i === 11 ? { ...e, signature: flipped.toString('base64url') } : e;
      writeFileSync(join(usb, usbFileName(enrolled.kioskId, i + 1)), JSON.stringify(tampered));
    });
    writeFileSync(join(usb, 'notes.txt'), 'hello');
    const imported = cli(['import', usb, '--data', data]);
    expect(imported.code).toBe(2); // one file refused
    expect(imported.stdout).toMatch(/12 fichier\(s\) : 10 accepté\(s\), 1 doublon\(s\), 1 refusé\(s\)/);
    expect(imported.stdout).toMatch(/bad_signature/);
    expect(imported.stdout).toMatch(/notes\.txt/);
    // The app sees the import (another process's commit) in its results.
    // During the vote, with the embargo lifted as the counting tests' server does (helpers.ts).
    const served = (await app.inject({ method: 'GET', url: '/api/v1/results' })).json<{
      ballots: number;
      embargoed?: boolean;
      liveResults?: boolean;
    }>();
    expect(served.ballots).toBe(110);
    const { embargoed: _embargoed, liveResults: _live, ...api } = served;

    const resultsCli = cli(['results', '--json', '--live-results', '--data', data]);
    expect(resultsCli.code, resultsCli.stderr).toBe(0);
    expect(JSON.parse(resultsCli.stdout)).toEqual(served);
    // Without the flag, the CLI keeps the embargo: participation only.
    expect(JSON.parse(cli(['results', '--json', '--data', data]).stdout)).toMatchObject({ embargoed: true });
    expect(cli(['export-audit', join(work, 'refused.jsonl'), '--data', data]).stderr).toMatch(/embargoed/);

    const bundle = join(work, 'audit.jsonl');
    const exported = cli(['export-audit', bundle, '--live-results', '--data', data]);
    expect(exported.code, exported.stderr).toBe(0);
    const lines = readFileSync(bundle, 'utf8').trimEnd().split('\n');
    // header, election, kiosk, batches, participation, results, seal
    expect(lines).toHaveLength(1 + 1 + 1 + 11 + 1 + 1 + 1);
    expect(JSON.parse(lines.at(-2) ?? '{}')).toEqual({ type: 'results', results: api });
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ type: 'seal' });
    const report = await verifyBundle(bundle);
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);

    const pb = join(work, 'election.pb');
    const pbRun = cli(['export-pb', pb, '--live-results', '--data', data]);
    expect(pbRun.code, pbRun.stderr).toBe(0);
    const pbText = readFileSync(pb, 'utf8');
    expect(pbText).toMatch(/^META\n/);
    expect(pbText).toMatch(/\nnum_votes;110\n/);
    expect(pbText.split('VOTES\nvoter_id;vote\n')[1]?.trimEnd().split('\n')).toHaveLength(110);

    // A lost kiosk is revoked: its next batch is refused, its counted ballots stay.
    const revoke = cli(['kiosk', 'revoke', enrolled.kioskId, '--data', data]);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain(`(${enrolled.kioskId}) révoquée`);
    const refusedAfter = await post(app, chain.add());
    expect(refusedAfter).toMatchObject({ status: 401, body: { error: 'unknown_kiosk' } });
    expect((await app.inject({ method: 'GET', url: '/api/v1/results' })).json()).toEqual(served);
    expect(cli(['kiosk', 'revoke', enrolled.kioskId, '--data', data]).stdout).toContain('déjà révoquée');
    const unknown = cli(['kiosk', 'revoke', 'f'.repeat(32), '--data', data]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Aucune borne inscrite/);

    await app.close();
    dir.store.close();
  }, 300_000);

  test('results piped into a reader that has gone (results | head) ends quietly', async () => {
    for (const args of [['results', '--json'], ['results']]) {
      const child = spawn(tsx, [cliSource, ...args, '--data', data], { cwd: root });
      child.stdout.destroy(); // the reader closes the pipe before the first write: EPIPE
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  }, 180_000);

  test('serve prints its URL and answers the API; its threshold is kept for the exports', async () => {
    const child = spawn(
      process.execPath,
      [
        ...['--import', 'tsx', cliSource, 'serve', '--data', data, '--port', '0'],
        ...['--threshold', '200', '--live-results'],
      ],
      {
        cwd: root,
      },
    );
    let served: unknown;
    try {
      const url = await new Promise<string>((ok, ko) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /à l’écoute sur (http:\/\/\S+)/.exec(out);
          if (m?.[1]) ok(m[1]);
        });
        child.once('exit', (code) => ko(new Error(`serve exited ${code}`)));
      });
      const res = await fetch(`${url}/api/v1/election`);
      expect(res.status).toBe(200);
      expect(Object.keys((await res.json()) as object).sort()).toEqual(['payload', 'signature']);
      served = await (await fetch(`${url}/api/v1/results`)).json();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    // 110 ballots, under the threshold of 200: the subtotal is hidden by the server…
    expect(served).toMatchObject({ byKiosk: [{ ballots: null }] });
    // …and by the commands run afterwards without the flags, and in the bundle, which says why.
    const results = cli(['results', '--json', '--live-results', '--data', data]);
    expect(JSON.parse(results.stdout)).toEqual(served);
    const bundle = join(work, 'audit-settings.jsonl');
    expect(cli(['export-audit', bundle, '--live-results', '--data', data]).code).toBe(0);
    const lines = readFileSync(bundle, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ kioskSubtotalThreshold: 200 });
    const { embargoed: _embargoed, liveResults: _live, ...counted } = served as Record<string, unknown>;
    expect(JSON.parse(lines.at(-2) ?? '{}')).toEqual({ type: 'results', results: counted });
    expect((await verifyBundle(bundle)).errors).toEqual([]);
  }, 180_000);

  test('the esbuild bundle (as npm run build makes it) runs with plain node', async () => {
    const outDir = join(root, 'out', 'test-server-cli');
    await build({
      entryPoints: [cliSource],
      outfile: join(outDir, 'cli.js'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    try {
      const fresh = join(work, 'bundled');
      const init = cli(['init', '--data', fresh], ['node', join(outDir, 'cli.js')]);
      expect(init.code, init.stderr).toBe(0);
      const pkgFile = join(work, 'election.json');
      const published = cli(
        ['election', 'publish', pkgFile, '--data', fresh],
        ['node', join(outDir, 'cli.js')],
      );
      expect(published.code, published.stderr).toBe(0);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 180_000);
});
