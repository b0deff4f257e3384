/** The sync tunables both shells read from their configuration: accepted, defaulted, refused in French. */
import { describe, expect, it } from 'vitest';
import { defaultBackoff } from './backoff';
import { SyncSettingsError, syncOptionsFromSettings } from './settings';

describe('syncOptionsFromSettings', () => {
  it('keeps the engine defaults when nothing is set (empty counts as unset)', () => {
    expect(syncOptionsFromSettings({})).toEqual({});
    expect(syncOptionsFromSettings({ batchSize: '', backoffMaxSeconds: '' })).toEqual({});
  });

  it('reads the batch size and the backoff cap', () => {
    expect(syncOptionsFromSettings({ batchSize: '5', backoffMaxSeconds: '60' })).toEqual({
      batchSize: 5,
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
    for (const batchSize of ['0', '-3', '2.5', 'vingt', '1001'])
      expect(() => syncOptionsFromSettings({ batchSize })).toThrow(SyncSettingsError);
    expect(() => syncOptionsFromSettings({ batchSize: 'vingt' })).toThrow(/Taille des lots/);
    expect(() => syncOptionsFromSettings({ backoffMaxSeconds: '0' })).toThrow(/Attente maximale/);
  });
});
