/**
 * Publishing a corrected package once kiosks hold the election: texts and images with a higher
 * revision are accepted and listed; a changed cost is refused once a ballot exists (or the election
 * has opened); before any ballot can exist, the election may still be changed.
 */
import { expect, test } from 'vitest';
import { publishPackage } from '../../../src/server/publish';
import { fromBase64url, parseJsonBytes } from '../../../src/shared/node/crypto';
import type { ElectionPackage } from '../../../src/shared/wire';
import { Chain, enrolKiosk, makePackage, post, startTestServer } from '../server/helpers';

const DAY = 86_400_000;

test('a text correction is published once kiosks are enrolled; a cost change is refused once a ballot exists', async () => {
  const server = await startTestServer();
  try {
    const kiosk = await enrolKiosk(server);
    const pkg = server.pkg;
    const texts: ElectionPackage = {
      ...pkg,
      revision: 2,
      projects: pkg.projects.map((p, i) => (i === 0 ? { ...p, summary: 'Résumé corrigé' } : p)),
    };
    const revised = publishPackage(server.data.store, server.data.authority, texts, new Date());
    expect(revised.ok && revised.value.outcome).toBe('revised');
    if (revised.ok && revised.value.outcome === 'revised')
      expect(revised.value.report.changes).toEqual([{ path: 'projects[jardin].summary', kind: 'text' }]);
    const current = server.data.store.currentElection();
    expect((parseJsonBytes(fromBase64url(current!.payload)!) as ElectionPackage).revision).toBe(2);

    // The election is open (opensAt yesterday): a cost change is refused even before any ballot.
    const cost = { ...texts, revision: 3, projects: texts.projects.map((p) => ({ ...p, cost: p.cost + 1 })) };
    const refused = publishPackage(server.data.store, server.data.authority, cost, new Date());
    expect(!refused.ok && refused.error.message).toContain('projects[jardin].cost');
    // The ingest still accepts ballots under the corrected package.
    expect((await post(server.app, new Chain(kiosk, texts).add())).status).toBe(201);
    // Same revision number again: refused.
    expect(
      publishPackage(server.data.store, server.data.authority, { ...texts, title: 'x' }, new Date()).ok,
    ).toBe(false);
  } finally {
    await server.close();
  }
});

test('before the opening and with no ballot, a correction may change the rules too', async () => {
  const now = Date.now();
  const pkg = makePackage({
    opensAt: new Date(now + 10 * DAY).toISOString(),
    closesAt: new Date(now + 40 * DAY).toISOString(),
  });
  const server = await startTestServer({ pkg });
  try {
    await enrolKiosk(server);
    const next = { ...pkg, revision: 2, maxChoices: 2, opensAt: new Date(now + 11 * DAY).toISOString() };
    const revised = publishPackage(server.data.store, server.data.authority, next, new Date());
    expect(revised.ok && revised.value.outcome === 'revised' && revised.value.ballotsMayExist).toBe(false);
    // Without a higher revision it is refused, as a kiosk could not tell the two apart.
    const same = publishPackage(
      server.data.store,
      server.data.authority,
      { ...next, maxChoices: 1 },
      new Date(),
    );
    expect(same.ok).toBe(false);
  } finally {
    await server.close();
  }
});
