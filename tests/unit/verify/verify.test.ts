// The independent recount: a good bundle verifies (through the real CLI once, through verifyBundle
// otherwise); each kind of tampering fails and the report names what differs.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  BatchLine,
  BundleLine,
  ElectionLine,
  HeaderLine,
  KioskLine,
  ResultsLine,
} from '../../../src/shared/audit-bundle';
import { fromBase64url, payloadHash, signDocument, toBase64url } from '../../../src/shared/node/crypto';
import { formatReport, verifyBundle } from '../../../src/server/verify/verify';
import { ballot, batchPayload } from '../tally/fixtures';
import {
  buildBundle,
  decodePayload,
  newKiosk,
  recountResults,
  removeBundles,
  sealBundle,
  writeBundle,
} from './bundle-builder';

const run = promisify(execFile);

const batches = (lines: BundleLine[]): BatchLine[] => lines.filter((l): l is BatchLine => l.type === 'batch');
const short = (id: string): string => `${id.slice(0, 8)}…`;
const resultsLine = (lines: BundleLine[]): ResultsLine =>
  lines.find((l): l is ResultsLine => l.type === 'results') as ResultsLine;

describe('verify', () => {
  afterAll(removeBundles);

  it('accepts a good bundle and recounts it exactly', async () => {
    const { lines, authority } = buildBundle();
    const progress: number[] = [];
    const report = await verifyBundle(writeBundle(lines), {
      authorityPublicKey: authority.publicKey,
      onProgress: (read) => progress.push(read),
    });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.batches).toEqual({ counted: 4, training: 2, held: 0 });
    expect(report.ballots).toBe(30);
    expect(report.recount?.ballots).toBe(30);
    expect(report.differences).toEqual([]);
    expect(progress.length).toBeGreaterThan(0);
    expect(report.warnings.some((w) => w.includes('non épinglée'))).toBe(false);
    expect(formatReport(report)).toContain('RÉSULTAT : conforme');
  });

  it('runs as the real CLI: exit 0 on a good bundle, 1 and the reason on a tampered one', async () => {
    const { lines, authority } = buildBundle();
    const good = writeBundle(lines);
    const cli = ['tsx', 'src/server/verify/cli.ts'];
    const ok = await run('npx', [...cli, good, '--authority', authority.publicKey]);
    expect(ok.stdout).toContain('RÉSULTAT : conforme');
    const results = resultsLine(lines);
    const top = results.results.projects[0];
    if (!top) throw new Error('no project');
    top.votes += 1;
    const bad = writeBundle(lines);
    const failure = await run('npx', [...cli, bad]).then(
      () => null,
      (e: { code: number; stdout: string }) => e,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain(
      `projet ${top.id} : ${top.votes} voix publiées, ${top.votes - 1} recomptées`,
    );
    expect(failure?.stdout).toContain('non épinglée');
  }, 60_000);

  it('piped into a reader that has gone (verify | head), ends quietly and keeps its verdict', async () => {
    const { lines } = buildBundle();
    const good = writeBundle(lines);
    resultsLine(lines).results.ballots += 1;
    const bad = writeBundle(lines);
    for (const [bundle, verdict] of [
      [good, 0],
      [bad, 1],
    ] as const) {
      const child = spawn('npx', ['tsx', 'src/server/verify/cli.ts', bundle, '--quiet']);
      child.stdout.destroy(); // the reader closes the pipe before the report is written: EPIPE
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(stderr).not.toMatch(/EPIPE|Error/);
      expect(code).toBe(verdict);
    }
  }, 60_000);

  it('accepts an equivocation kept as evidence: flagged kiosk, conflict line, held batch not counted', async () => {
    const { lines, authority, kiosks } = buildBundle({ equivocation: true });
    const report = await verifyBundle(writeBundle(lines), { authorityPublicKey: authority.publicKey });
    expect(report.errors).toEqual([]);
    expect(report.batches).toEqual({ counted: 3, training: 2, held: 1 });
    expect(report.conflicts).toBe(1);
    expect(report.recount?.ballots).toBe(25);
    // Counting the held batch anyway is caught by the comparison.
    const held = batches(lines).find((l) => l.status === 'held') as BatchLine;
    held.status = 'counted';
    const tampered = await verifyBundle(writeBundle(lines));
    expect(tampered.errors).toContain('ballots : publié 25, recompté 30');
    // A flagged kiosk without any evidence is worth a warning.
    const noEvidence = await verifyBundle(writeBundle(lines.filter((l) => l.type !== 'conflict')));
    expect(noEvidence.warnings).toContain(
      `kiosque ${short(kiosks[1]?.kioskId ?? '')} signalé (flagged) sans preuve de conflit dans le lot`,
    );
  });

  it('names a flipped byte in a payload', async () => {
    const { lines } = buildBundle();
    const target = batches(lines)[2] as BatchLine;
    const bytes = fromBase64url(target.payload) as Buffer;
    const at = bytes.indexOf('"ballots"') + 20;
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    target.payload = toBase64url(bytes);
    const report = await verifyBundle(writeBundle(lines));
    expect(report.ok).toBe(false);
    expect(report.errors).toContain(
      `batch kiosque ${short(target.kioskId)} seq ${target.seq} : signature invalide`,
    );
  });

  it('names a flipped byte in a batch that has a successor, and only that (no consequential prevHash)', async () => {
    const { lines } = buildBundle();
    const target = batches(lines)[0] as BatchLine; // first kiosk, seq 1; seq 2 links to its true bytes
    const bytes = fromBase64url(target.payload) as Buffer;
    const at = bytes.indexOf('"ballots"') + 20;
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    target.payload = toBase64url(bytes);
    const report = await verifyBundle(writeBundle(lines));
    const named = report.errors.filter((e) => e.startsWith('batch '));
    expect(named).toEqual([`batch kiosque ${short(target.kioskId)} seq 1 : signature invalide`]);
  });

  it('names swapped signatures', async () => {
    const { lines } = buildBundle();
    const [a, b] = batches(lines) as [BatchLine, BatchLine];
    [a.signature, b.signature] = [b.signature, a.signature];
    const report = await verifyBundle(writeBundle(lines));
    expect(report.ok).toBe(false);
    expect(report.errors).toContain(`batch kiosque ${short(a.kioskId)} seq 1 : signature invalide`);
    expect(report.errors).toContain(`batch kiosque ${short(b.kioskId)} seq 2 : signature invalide`);
    expect(report.errors.filter((e) => e.includes('prevHash'))).toEqual([]);
  });

  it('names a removed batch as a chain gap', async () => {
    const { lines } = buildBundle();
    const removed = batches(lines)[1] as BatchLine; // first kiosk, seq 2 (training)
    const report = await verifyBundle(writeBundle(lines.filter((l) => l !== removed)));
    expect(report.ok).toBe(false);
    expect(report.errors).toContain(
      `batch kiosque ${short(removed.kioskId)} seq 3 : chaîne rompue, seq 2 attendu (lot manquant)`,
    );
  });

  it('names a removed counted batch and the counts it changes', async () => {
    const { lines } = buildBundle();
    const removed = batches(lines)[2] as BatchLine; // first kiosk, seq 3 (counted, last of its chain)
    const report = await verifyBundle(writeBundle(lines.filter((l) => l !== removed)));
    expect(report.ok).toBe(false);
    // The chain's tail is gone: only the results show it.
    expect(report.errors.some((e) => /^projet .* voix publiées, .* recomptées$/.test(e))).toBe(true);
    expect(report.errors).toContain('ballots : publié 30, recompté 25');
    // And the registry names it: the kiosk's chain stopped short of its declared high water.
    expect(report.errors).toContain(
      `kiosque ${short(removed.kioskId)} : highWater 3 déclaré, dernier lot présent 2 (lots manquants)`,
    );
  });

  it("names a registry head that is not the hash of the chain's last batch", async () => {
    const { lines, authority } = buildBundle();
    const kioskId = batches(lines)[2]?.kioskId ?? '';
    const registry = lines.find((l) => l.type === 'kiosk' && l.kioskId === kioskId) as KioskLine;
    registry.head = 'f'.repeat(64);
    const report = await verifyBundle(writeBundle(lines));
    expect(report.errors).toEqual([
      `sceau : kiosque ${short(kioskId)}, highWater 3 signé, 3 dans le lot`,
      `kiosque ${short(kioskId)} : tête de chaîne déclarée différente du hachage du lot 3`,
    ]);
    // Even a forger holding the authority key, who seals the edited registry, is caught by the chain.
    const resealed = await verifyBundle(writeBundle(sealBundle(lines, authority)));
    expect(resealed.errors).toEqual([
      `kiosque ${short(kioskId)} : tête de chaîne déclarée différente du hachage du lot 3`,
    ]);
  });

  it("the authority's seal catches a tail cut off with the registry and the results made to match", async () => {
    const { lines, authority } = buildBundle();
    const removed = batches(lines)[2] as BatchLine; // first kiosk, seq 3: the end of its chain
    const cut = structuredClone(lines.filter((l) => l !== removed));
    const registry = cut.find((l) => l.type === 'kiosk' && l.kioskId === removed.kioskId) as KioskLine;
    registry.highWater = 2;
    registry.head = payloadHash(
      (batches(cut).find((b) => b.kioskId === removed.kioskId && b.seq === 2) as BatchLine).payload,
    );
    const forged = recountResults(cut);
    // Every other check passes: only the seal, which the forger cannot redo, tells.
    const report = await verifyBundle(writeBundle(forged), { authorityPublicKey: authority.publicKey });
    expect(report.differences).toEqual([]);
    expect(report.sealed).toBe(false);
    expect(report.errors[0]).toBe(
      `sceau : kiosque ${short(removed.kioskId)}, highWater 3 signé, 2 dans le lot`,
    );
    expect(report.errors.slice(1).every((e) => e.startsWith('sceau : '))).toBe(true);
    // Sealed again with another key: refused against the pinned authority key.
    const other = buildBundle().authority;
    const resealed = await verifyBundle(writeBundle(sealBundle(forged, other)), {
      authorityPublicKey: authority.publicKey,
    });
    expect(resealed.errors).toContain("sceau : signature invalide (pas celle de l'autorité)");
    // Without the seal at all.
    const unsealed = await verifyBundle(writeBundle(lines.filter((l) => l.type !== 'seal')));
    expect(unsealed.errors).toEqual(["sceau absent : les résultats ne sont pas signés par l'autorité"]);
    // The honest bundle: sealed and said so.
    const good = await verifyBundle(writeBundle(lines), { authorityPublicKey: authority.publicKey });
    expect(good.sealed).toBe(true);
    expect(formatReport(good)).toContain("sceau de l'autorité : vérifié");
  });

  it('a held batch needs a proven conflict received before it', async () => {
    const { lines, kiosks } = buildBundle({ equivocation: true });
    const flagged = kiosks[1]?.kioskId ?? '';
    const heldError = `batch kiosque ${short(flagged)} seq 3 : retenu (held) sans preuve de conflit reçue avant lui, il aurait dû être compté`;
    // No conflict line at all: the held batch's ballots were set aside on the server's word only.
    const noEvidence = await verifyBundle(writeBundle(lines.filter((l) => l.type !== 'conflict')));
    expect(noEvidence.ok).toBe(false);
    expect(noEvidence.errors).toEqual([heldError]);
    // A conflict received after the held batch does not justify holding it.
    const late = lines.map((l) =>
      l.type === 'conflict' ? { ...l, receivedAt: '2024-09-05T08:00:00.000Z' } : l,
    );
    expect((await verifyBundle(writeBundle(late))).errors).toEqual([heldError]);
    // A "conflict" that is the stored batch itself proves no equivocation.
    const stored = batches(lines).find((l) => l.kioskId === flagged && l.seq === 2) as BatchLine;
    const copy = lines.map((l) =>
      l.type === 'conflict' ? { ...l, payload: stored.payload, signature: stored.signature } : l,
    );
    const copied = await verifyBundle(writeBundle(copy));
    expect(copied.errors).toEqual([heldError]);
    expect(copied.warnings.some((w) => w.includes('aucun autre lot signé enregistré à ce numéro'))).toBe(
      true,
    );
  });

  it('a batch received after a proven conflict must not be counted, even with matching results', async () => {
    const { lines, kiosks } = buildBundle({ equivocation: true, countHeld: true });
    const report = await verifyBundle(writeBundle(lines));
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([]);
    expect(report.errors).toEqual([
      `batch kiosque ${short(kiosks[1]?.kioskId ?? '')} seq 3 : compté alors que reçu après le conflit prouvé du 2024-09-03T13:00:00.000Z, il aurait dû être retenu`,
    ]);
  });

  it('names a counted batch received outside the voting window, the late delivery of the signed package', async () => {
    const { lines } = buildBundle();
    // Counted; the package closes 2024-09-30T23:59:59+02:00 and accepts batches 48 h more.
    const target = batches(lines)[2] as BatchLine;
    const where = `batch kiosque ${short(target.kioskId)} seq 3`;
    const window = '(2024-09-01T00:00:00+02:00 – 2024-09-30T23:59:59+02:00 + 48 h de livraison tardive)';
    // Sealed at the close and carried in a day later, to the last second of the window: counted.
    for (const at of ['2024-10-01T01:00:00.000Z', '2024-10-02T21:59:59.000Z']) {
      target.receivedAt = at;
      expect((await verifyBundle(writeBundle(lines))).errors).toEqual([]);
    }
    target.receivedAt = '2024-10-02T22:00:00.000Z';
    expect((await verifyBundle(writeBundle(lines))).errors).toEqual([
      `${where} : reçu le 2024-10-02T22:00:00.000Z, hors de la période de vote ${window}`,
    ]);
    // Before opening is refused too; a training batch has no window.
    target.receivedAt = '2024-08-31T21:00:00.000Z';
    const training = batches(lines)[1] as BatchLine;
    training.receivedAt = '2024-08-20T12:00:00.000Z';
    expect((await verifyBundle(writeBundle(lines))).errors).toEqual([
      `${where} : reçu le 2024-08-31T21:00:00.000Z, hors de la période de vote ${window}`,
    ]);
  });

  it('takes the window from the signed package only: a bundle that widens it breaks the election signature', async () => {
    const { lines } = buildBundle();
    const election = lines[1] as ElectionLine;
    const pkg = JSON.parse(fromBase64url(election.payload)?.toString('utf8') ?? '{}') as Record<
      string,
      unknown
    >;
    election.payload = toBase64url(Buffer.from(JSON.stringify({ ...pkg, lateDeliveryHours: 2000 })));
    expect((await verifyBundle(writeBundle(lines))).errors).toContain(
      'élection : signature invalide (signature)',
    );
  });

  it('recounts with the subtotal threshold of the header', async () => {
    // Each kiosk has 17 counted ballots: published with a threshold of 20, both subtotals are hidden.
    const { lines, authority } = buildBundle();
    for (const k of resultsLine(lines).results.byKiosk) k.ballots = null;
    const wrongThreshold = await verifyBundle(writeBundle(sealBundle(lines, authority)));
    expect(wrongThreshold.ok).toBe(false);
    (lines[0] as HeaderLine).kioskSubtotalThreshold = 20;
    const report = await verifyBundle(writeBundle(sealBundle(lines, authority)));
    expect(report.errors).toEqual([]);
  });

  it('names an edited results count', async () => {
    const { lines, authority } = buildBundle();
    resultsLine(lines).results.ballots += 5;
    const report = await verifyBundle(writeBundle(lines), { authorityPublicKey: authority.publicKey });
    expect(report.ok).toBe(false);
    // Edited by someone without the authority key: the seal says so too.
    expect(report.errors).toEqual([
      'sceau : résultats signés différents des résultats publiés (ballots : signé 30, publié 35)',
      'ballots : publié 35, recompté 30',
    ]);
    expect(report.sealed).toBe(false);
  });

  it('names a receipt seen twice across the bundle', async () => {
    const { lines, kiosks } = buildBundle({ duplicateBallot: true });
    const report = await verifyBundle(writeBundle(lines));
    expect(report.ok).toBe(false);
    const second = kiosks[1]?.kioskId ?? '';
    expect(report.errors.some((e) => e.startsWith(`batch kiosque ${short(second)} seq 1 : reçu `))).toBe(
      true,
    );
    expect(report.errors.some((e) => e.endsWith('déjà présent dans un autre lot'))).toBe(true);
  });

  it('names a batch from a kiosk absent from the kiosk lines', async () => {
    const { lines } = buildBundle();
    const stranger = newKiosk('Inconnu');
    const payload = batchPayload(stranger.kioskId, 1, [ballot(['velo-ecole'])], []);
    const line: BatchLine = {
      type: 'batch',
      kioskId: stranger.kioskId,
      seq: 1,
      ...signDocument('batch', payload, stranger.keys.privateKey),
      receivedAt: '2024-09-05T12:00:00.000Z',
      status: 'counted',
    };
    // Insert in kioskId order among the batches.
    const list: BundleLine[] = lines.filter((l) => l.type !== 'results' && l.type !== 'seal');
    const after = list.filter((l) => l.type === 'batch' && l.kioskId > stranger.kioskId);
    const index = after.length > 0 ? list.indexOf(after[0] as BundleLine) : list.length;
    list.splice(index, 0, line);
    list.push(...lines.filter((l) => l.type === 'results' || l.type === 'seal'));
    const report = await verifyBundle(writeBundle(list));
    expect(report.ok).toBe(false);
    expect(report.errors).toContain(
      `batch kiosque ${short(stranger.kioskId)} seq 1 : kiosque inconnu (absent des lignes kiosk)`,
    );
  });

  it('names a batch that keeps its ballots in voting order instead of sorted by content', async () => {
    const { lines, kiosks, authority } = buildBundle();
    const kiosk = kiosks[0];
    if (!kiosk) throw new Error('no kiosk');
    // Replace the first kiosk's seq 3 (end of its chain) by an unsorted but correctly signed batch.
    const index = lines.findIndex((l) => l.type === 'batch' && l.kioskId === kiosk.kioskId && l.seq === 3);
    const original = lines[index] as BatchLine;
    const payload = JSON.parse((fromBase64url(original.payload) as Buffer).toString('utf8')) as ReturnType<
      typeof batchPayload
    >;
    payload.ballots.reverse();
    const signed = signDocument('batch', payload, kiosk.keys.privateKey);
    lines[index] = { ...original, ...signed };
    // The server stored that batch, so its registry line (and its seal) ends the chain on it.
    const registry = lines.find((l) => l.type === 'kiosk' && l.kioskId === kiosk.kioskId) as KioskLine;
    registry.head = payloadHash(signed.payload);
    const report = await verifyBundle(writeBundle(sealBundle(lines, authority)));
    expect(report.errors).toEqual([
      `batch kiosque ${short(kiosk.kioskId)} seq 3 : bulletins non triés par contenu (l'ordre de vote pourrait se lire)`,
    ]);
  });

  it('names a batch that is not final and does not hold exactly K ballots', async () => {
    const { lines, kiosks, authority } = buildBundle();
    const kiosk = kiosks[0];
    if (!kiosk) throw new Error('no kiosk');
    // The first kiosk's seq 3 (5 ballots) signed again as an ordinary batch: a group below K.
    const index = lines.findIndex((l) => l.type === 'batch' && l.kioskId === kiosk.kioskId && l.seq === 3);
    const original = lines[index] as BatchLine;
    const payload = decodePayload(original.payload);
    payload.final = false;
    const signed = signDocument('batch', payload, kiosk.keys.privateKey);
    lines[index] = { ...original, ...signed };
    const registry = lines.find((l) => l.type === 'kiosk' && l.kioskId === kiosk.kioskId) as KioskLine;
    registry.head = payloadHash(signed.payload);
    const report = await verifyBundle(writeBundle(sealBundle(lines, authority)));
    expect(report.errors).toEqual([
      `batch kiosque ${short(kiosk.kioskId)} seq 3 : 5 bulletins, un lot doit en porter exactement K = 10`,
    ]);
  });

  it('names a participation count that is not the one the kiosk signed', async () => {
    const { lines, authority } = buildBundle();
    const participation = lines.find((l) => l.type === 'participation');
    if (participation?.type !== 'participation') throw new Error('no participation line');
    const first = participation.participation.batches[0];
    if (!first) throw new Error('no batch count');
    first.count += 1;
    const report = await verifyBundle(writeBundle(sealBundle(lines, authority)));
    expect(report.errors).toEqual([
      `participation : lot kiosque ${short(first.kioskId)} seq ${first.seq}, ${first.count} publiées, ${first.count - 1} signées`,
    ]);
  });

  it('refuses an election signed by another key than the pinned authority', async () => {
    const { lines } = buildBundle();
    const other = buildBundle().authority;
    const report = await verifyBundle(writeBundle(lines), { authorityPublicKey: other.publicKey });
    expect(report.ok).toBe(false);
    expect(report.errors).toContain(
      "élection : la clé de l'autorité du lot n'est pas la clé épinglée (--authority)",
    );
  });

  it('names a kiosk whose id does not derive from its key', async () => {
    const { lines } = buildBundle();
    const kiosk = lines.find((l) => l.type === 'kiosk');
    if (kiosk?.type !== 'kiosk') throw new Error('no kiosk');
    kiosk.publicKey = newKiosk('x').keys.publicKey;
    const report = await verifyBundle(writeBundle(lines));
    expect(report.ok).toBe(false);
    expect(report.errors).toContain(
      `kiosque ${short(kiosk.kioskId)} : identifiant ne correspond pas à sa clé publique`,
    );
  });
});
