/** Idle delays: 90 s + 30 s by default, taken from the page's address, nonsense ignored. */
import { describe, expect, it } from 'vitest';
import { defaultIdleDelays, idleQuery } from '../../shared/idle';
import { readConfig } from './config';

describe('readConfig', () => {
  it('defaults to 90 s idle and a 30 s countdown', () => {
    expect(readConfig('')).toEqual({ idleMs: 90_000, countdownMs: 30_000 });
  });
  it('reads ?idle and ?countdown in seconds', () => {
    expect(readConfig('?idle=3&countdown=2')).toEqual({ idleMs: 3000, countdownMs: 2000 });
  });
  it('ignores values out of range or not numbers', () => {
    expect(readConfig('?idle=0&countdown=abc')).toEqual({ idleMs: 90_000, countdownMs: 30_000 });
    expect(readConfig('?idle=&countdown=3601')).toEqual({ idleMs: 90_000, countdownMs: 30_000 });
  });
  it('reads back what the shells write', () => {
    expect(readConfig(idleQuery({ idleSeconds: 45, countdownSeconds: 12 }))).toEqual({
      idleMs: 45_000,
      countdownMs: 12_000,
    });
    expect(readConfig(idleQuery(defaultIdleDelays))).toEqual(readConfig(''));
  });
});
