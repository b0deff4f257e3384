/** The shells' idle settings: defaults 90 s / 30 s, a wrong value refused by name, the address they write. */
import { describe, expect, it } from 'vitest';
import { idleDelaysFromSettings, IdleSettingsError, idleQuery, parseSeconds } from './idle';

const names = { idleSeconds: '--idle-seconds', countdownSeconds: '--countdown-seconds' };

describe('idle settings', () => {
  it('defaults to 90 s then 30 s when nothing, or an empty value, is set', () => {
    expect(idleDelaysFromSettings({}, names)).toEqual({ idleSeconds: 90, countdownSeconds: 30 });
    expect(idleDelaysFromSettings({ idleSeconds: '', countdownSeconds: ' ' }, names)).toEqual({
      idleSeconds: 90,
      countdownSeconds: 30,
    });
  });

  it('takes each value that is set', () => {
    expect(idleDelaysFromSettings({ idleSeconds: '120', countdownSeconds: '15' }, names)).toEqual({
      idleSeconds: 120,
      countdownSeconds: 15,
    });
  });

  it('refuses a value outside 1…3600 s or not a number, naming the setting', () => {
    for (const bad of ['0', '3601', 'abc', '-5', 'Infinity']) {
      expect(() => idleDelaysFromSettings({ idleSeconds: bad }, names)).toThrow(IdleSettingsError);
      expect(() => idleDelaysFromSettings({ countdownSeconds: bad }, names)).toThrow(/--countdown-seconds/);
    }
    expect(parseSeconds('3600')).toBe(3600);
    expect(parseSeconds('1')).toBe(1);
  });

  it('writes the query the renderer reads', () => {
    expect(idleQuery({ idleSeconds: 90, countdownSeconds: 30 })).toBe('?idle=90&countdown=30');
  });
});
