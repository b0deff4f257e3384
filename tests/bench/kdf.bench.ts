/**
 * `npm run bench:kdf [-- --logN 16 --r 8 --p 1 --checks 8 --roll 1200000]`: the participation token's
 * cost on this machine (docs/secrecy.md §5). It times one eligibility token alone (wall time, on libuv's
 * pool as the kiosk runs it), then the CPU time per token over several sequential checks, and estimates
 * what testing a whole roll costs someone who holds the participation key: roll × CPU time per token.
 * Prints one JSON object, with whether the two limits hold (under 300 ms per check, at least 10
 * CPU-hours per roll). A figure, never an assertion.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN_KDF_COST, participationTokenAsync, toBase64url } from '../../src/shared/node/crypto';

const { values } = parseArgs({
  options: {
    logN: { type: 'string', default: String(DEFAULT_TOKEN_KDF_COST.logN) },
    r: { type: 'string', default: String(DEFAULT_TOKEN_KDF_COST.r) },
    p: { type: 'string', default: String(DEFAULT_TOKEN_KDF_COST.p) },
    checks: { type: 'string', default: '8' },
    roll: { type: 'string', default: '1200000' },
  },
});
const kdf = {
  salt: toBase64url(randomBytes(16)),
  logN: Number(values.logN),
  r: Number(values.r),
  p: Number(values.p),
};
const checks = Number(values.checks);
const roll = Number(values.roll);
const key = toBase64url(randomBytes(32));

// One warm-up, so the first allocation of the scrypt buffer is not counted.
await participationTokenAsync(key, 'dupont', 'camille', '1980-06-15', kdf);

const wall: number[] = [];
const cpuBefore = process.cpuUsage();
for (let i = 0; i < checks; i++) {
  const start = performance.now();
  await participationTokenAsync(key, 'dupont', `camille${i}`, '1980-06-15', kdf);
  wall.push(performance.now() - start);
}
const cpu = process.cpuUsage(cpuBefore);
const cpuMsPerCheck = (cpu.user + cpu.system) / 1000 / checks;
wall.sort((a, b) => a - b);
const medianMs = wall[Math.floor(wall.length / 2)] ?? 0;
const rollCpuHours = (roll * cpuMsPerCheck) / 3_600_000;

console.log(
  JSON.stringify(
    {
      kdf: { logN: kdf.logN, r: kdf.r, p: kdf.p, memoryMiB: (128 * 2 ** kdf.logN * kdf.r) / 2 ** 20 },
      checks,
      checkMs: { median: Number(medianMs.toFixed(1)), max: Number((wall.at(-1) ?? 0).toFixed(1)) },
      cpuMsPerCheck: Number(cpuMsPerCheck.toFixed(1)),
      roll,
      rollCpuHours: Number(rollCpuHours.toFixed(1)),
      underCheckLimit: medianMs < 300,
      overRollLimit: rollCpuHours >= 10,
    },
    null,
    2,
  ),
);
