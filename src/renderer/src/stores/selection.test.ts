/** The selection store: bounded picks, a 4th pick refused (never swapped), reset keeps the limits. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSelectionStore } from './selection';

describe('selection store', () => {
  it('adds up to maxChoices and refuses the next pick without swapping', () => {
    const store = createSelectionStore();
    store.getState().configure(1, 3);
    expect(store.getState().choose('a')).toBe('added');
    expect(store.getState().choose('b')).toBe('added');
    expect(store.getState().choose('c')).toBe('added');
    expect(store.getState().choose('d')).toBe('blocked');
    expect(store.getState().chosen).toEqual(['a', 'b', 'c']);
    expect(store.getState().notice).toEqual({ kind: 'full', projectId: 'd' });
  });

  it('does not add the same project twice, and toggling removes it', () => {
    const store = createSelectionStore();
    expect(store.getState().choose('a')).toBe('added');
    expect(store.getState().choose('a')).toBe('already');
    expect(store.getState().toggle('a')).toBe('removed');
    expect(store.getState().chosen).toEqual([]);
    expect(store.getState().notice).toEqual({ kind: 'removed', projectId: 'a' });
  });

  it('frees a place once a choice is removed', () => {
    const store = createSelectionStore();
    store.getState().configure(1, 2);
    store.getState().choose('a');
    store.getState().choose('b');
    expect(store.getState().choose('c')).toBe('blocked');
    store.getState().remove('a');
    expect(store.getState().choose('c')).toBe('added');
    expect(store.getState().chosen).toEqual(['b', 'c']);
  });

  it('reset wipes the choices but keeps the election limits', () => {
    const store = createSelectionStore();
    store.getState().configure(2, 5);
    store.getState().choose('a');
    store.getState().reset();
    expect(store.getState().chosen).toEqual([]);
    expect(store.getState().notice).toBeNull();
    expect(store.getState().maxChoices).toBe(5);
    expect(store.getState().minChoices).toBe(2);
  });

  it('never holds more than maxChoices nor a repeated id, whatever the taps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.tuple(
            fc.constantFrom('choose', 'remove', 'toggle'),
            fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
          ),
        ),
        (max, taps) => {
          const store = createSelectionStore();
          store.getState().configure(1, max);
          for (const [action, id] of taps) store.getState()[action](id);
          const { chosen } = store.getState();
          return chosen.length <= max && new Set(chosen).size === chosen.length;
        },
      ),
    );
  });
});
