/** Birth date parts: complete, existing dates only. */
import { describe, expect, it } from 'vitest';
import { checkDate } from './date';

describe('checkDate', () => {
  it('pads a valid date to YYYY-MM-DD', () => {
    expect(checkDate({ day: '4', month: '7', year: '1962' })).toEqual({ kind: 'ok', iso: '1962-07-04' });
  });
  it('refuses dates that do not exist', () => {
    expect(checkDate({ day: '31', month: '04', year: '2000' }).kind).toBe('invalid');
    expect(checkDate({ day: '29', month: '02', year: '2023' }).kind).toBe('invalid');
    expect(checkDate({ day: '29', month: '02', year: '2024' }).kind).toBe('ok');
    expect(checkDate({ day: '10', month: '13', year: '2000' }).kind).toBe('invalid');
  });
  it('says incomplete while a part is missing', () => {
    expect(checkDate({ day: '10', month: '', year: '2000' }).kind).toBe('incomplete');
    expect(checkDate({ day: '10', month: '10', year: '200' }).kind).toBe('incomplete');
  });
});
