/**
 * Child process of the kiosk crash test: a real kiosk core with its upload loop, which the parent kills
 * with SIGKILL mid-upload and starts again. Arguments: <dbPath> [serverUrl code votes authorityFingerprint]. With a code it
 * enrols and casts `votes` votes first. It prints one JSON line per 50 ms: its kiosk id and sync status.
 */
import { castVotes, enrolThroughSetup, openTestKiosk, testElection } from '../integration/sync/harness';

const [dbPath, serverUrl, code, votes, authorityFingerprint] = process.argv.slice(2);
if (!dbPath) throw new Error('usage: sync-kiosk-child <dbPath> [serverUrl code votes authorityFingerprint]');

const t = await openTestKiosk(dbPath);
if (serverUrl && code) {
  const enrolled = await enrolThroughSetup(t.kiosk, {
    serverUrl,
    code,
    label: 'crash',
    authorityFingerprint: authorityFingerprint ?? '',
  });
  if (!enrolled.ok) throw new Error(enrolled.error.message);
  castVotes(t.kiosk, testElection(), Number(votes ?? '0'));
  t.engine.kick();
}
setInterval(() => {
  process.stdout.write(`${JSON.stringify({ kioskId: t.kiosk.kioskId, ...t.engine.status() })}\n`);
}, 50);
