/**
 * The voter's choices: an ordered list of project ids bounded by the election's
 * maxChoices. A pick beyond the limit is refused with a notice the screen explains, never swapped.
 */
import { create } from 'zustand';

export type PickOutcome = 'added' | 'already' | 'blocked';

export type SelectionNotice =
  | { kind: 'added'; projectId: string }
  | { kind: 'removed'; projectId: string }
  | { kind: 'full'; projectId: string };

export interface SelectionState {
  chosen: string[];
  minChoices: number;
  maxChoices: number;
  /** Last thing that happened, for the live region and the over-vote explanation. */
  notice: SelectionNotice | null;
  configure: (minChoices: number, maxChoices: number) => void;
  choose: (projectId: string) => PickOutcome;
  remove: (projectId: string) => void;
  toggle: (projectId: string) => PickOutcome | 'removed';
  clearNotice: () => void;
  reset: () => void;
}

export const createSelectionStore = () =>
  create<SelectionState>()((set, get) => ({
    chosen: [],
    minChoices: 1,
    maxChoices: 3,
    notice: null,
    configure: (minChoices, maxChoices) => set({ minChoices, maxChoices }),
    choose: (projectId) => {
      const { chosen, maxChoices } = get();
      if (chosen.includes(projectId)) return 'already';
      if (chosen.length >= maxChoices) {
        set({ notice: { kind: 'full', projectId } });
        return 'blocked';
      }
      set({ chosen: [...chosen, projectId], notice: { kind: 'added', projectId } });
      return 'added';
    },
    remove: (projectId) => {
      const { chosen } = get();
      if (!chosen.includes(projectId)) return;
      set({ chosen: chosen.filter((id) => id !== projectId), notice: { kind: 'removed', projectId } });
    },
    toggle: (projectId) => {
      if (get().chosen.includes(projectId)) {
        get().remove(projectId);
        return 'removed';
      }
      return get().choose(projectId);
    },
    clearNotice: () => set({ notice: null }),
    // The limits belong to the election, not to the voter: they survive a reset.
    reset: () => set({ chosen: [], notice: null }),
  }));

export const useSelection = createSelectionStore();
