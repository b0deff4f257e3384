/** The settings store: text size and contrast are the voter's, and a reset puts them back. */
import { describe, expect, it } from 'vitest';
import { createSettingsStore } from './settings';

describe('settings store', () => {
  it('starts at normal size and normal contrast, and reset restores both', () => {
    const store = createSettingsStore();
    expect(store.getState().textSize).toBe(0);
    expect(store.getState().highContrast).toBe(false);
    store.getState().setTextSize(2);
    store.getState().setHighContrast(true);
    store.getState().setPanelOpen(true);
    expect(store.getState().textSize).toBe(2);
    store.getState().reset();
    expect(store.getState()).toMatchObject({ textSize: 0, highContrast: false, panelOpen: false });
  });
});
