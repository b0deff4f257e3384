/**
 * `npm run bench:load`: many kiosks uploading to one server (tests/faults/load.ts), the report as one
 * JSON object on stdout, progress on stderr. Options: --kiosks N (500) --seconds N (300) --pause-ms N
 * (mean pause between a kiosk's ack and its next upload, 1000) --batch-size N (20).
 */
import { runLoad } from '../faults/load';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

const report = await runLoad({
  kiosks: arg('kiosks', 500),
  seconds: arg('seconds', 300),
  meanPauseMs: arg('pause-ms', 1000),
  batchSize: arg('batch-size', 20),
});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (report.errors.length > 0 || report.stored.chainMismatches.length > 0) process.exitCode = 1;
