/** The sync tunables both shells read from their configuration: accepted, defaulted, refused in French. */
import { describe, expect, it } from 'vitest';
import { defaultBackoff } from './backoff';
import { SyncSettingsError, syncOptionsFromSettings } from './settings';

describe('syncOptionsFromSettings', () => {
  it('keeps the engine defaults when nothing is set (empty counts as unset)', () => {
    expect(syncOptionsFromSettings({})).toEqual({});
    expect(syncOptionsFromSettings({ backoffMaxSeconds: '' })).toEqual({});
  });

  it("reads the backoff cap (the batch size is the election package's, not a setting)", () => {
    expect(syncOptionsFromSettings({ backoffMaxSeconds: '60' })).toEqual({
      backoff: { ...defaultBackoff, capMs: 60_000 },
    });
    // A cap below the first step lowers the first step too: no retry waits longer than the cap.
    expect(syncOptionsFromSettings({ backoffMaxSeconds: '1' }).backoff).toEqual({
      ...defaultBackoff,
      baseMs: 1_000,
      capMs: 1_000,
    });
  });

  it('refuses what is not a whole number in range, saying which setting', () => {
    for (const backoffMaxSeconds of ['0', '-3', '2.5', 'vingt', '86401'])
      expect(() => syncOptionsFromSettings({ backoffMaxSeconds })).toThrow(SyncSettingsError);
    expect(() => syncOptionsFromSettings({ backoffMaxSeconds: '0' })).toThrow(/Attente maximale/);
  });
});
