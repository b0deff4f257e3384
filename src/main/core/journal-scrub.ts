/**
 * Right after a cast, once the voter has their receipt, the WAL still holds that commit: one ballot beside
 * one participation. Truncating it leaves only the sorted open sets (docs/secrecy.md). The scrub runs on
 * the next turn of the event loop, at most once per turn however many casts came in.
 */
import type { KioskLog } from './context';
import type { KioskStore } from './store';

/** Returns `scrubSoon`, which schedules one scrub of `store`'s journal. */
export function journalScrubber(store: KioskStore, log: KioskLog): () => void {
  let scheduled = false;
  const scrub = (): void => {
    scheduled = false;
    if (!store.db.open) return;
    try {
      if (!store.scrubJournal()) log('journal_scrub_busy');
    } catch (cause) {
      log('journal_scrub_failed', { error: cause instanceof Error ? cause.name : 'unknown' });
    }
  };
  return () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(scrub);
  };
}
