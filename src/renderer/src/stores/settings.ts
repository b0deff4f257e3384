/**
 * Display settings chosen by the current voter: three text sizes and a high-contrast
 * theme. They are personal, so they are reset with the session when the voter leaves.
 */
import { create } from 'zustand';

export const textSizes = [0, 1, 2] as const;
export type TextSize = (typeof textSizes)[number];

export interface SettingsState {
  textSize: TextSize;
  highContrast: boolean;
  panelOpen: boolean;
  setTextSize: (size: TextSize) => void;
  setHighContrast: (on: boolean) => void;
  setPanelOpen: (open: boolean) => void;
  reset: () => void;
}

const initial = { textSize: 0 as TextSize, highContrast: false, panelOpen: false };

export const createSettingsStore = () =>
  create<SettingsState>()((set) => ({
    ...initial,
    setTextSize: (textSize) => set({ textSize }),
    setHighContrast: (highContrast) => set({ highContrast }),
    setPanelOpen: (panelOpen) => set({ panelOpen }),
    reset: () => set(initial),
  }));

export const useSettings = createSettingsStore();
