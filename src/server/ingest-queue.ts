/**
 * Group commit for `POST /api/v1/batches`. Many kiosks sync at once (the morning after a network
 * outage); each batch on its own would pay one fsync. Requests that arrive while a commit is running
 * wait for the next turn of the event loop and are then ingested together in ONE transaction: each
 * through the same `ingestBatch` (its own checks, in arrival order, seeing the previous ones' writes;
 * it joins the group's transaction rather than opening a savepoint, since a refusal writes nothing but
 * its record and a throw aborts the whole group anyway), one commit, and only then every ack is sent.
 * A request arriving alone is committed at the next turn of the event loop: no window is waited for.
 * If the group's transaction fails, nothing of it is stored and each request is redone in a
 * transaction of its own (a 500 for one that fails again, a 503 `disk_full` when the disk is full), so
 * "ack after commit" holds for every batch.
 */
import { isDiskFull } from '../shared/node/sqlite';
import type { Authority } from './datadir';
import { ingestBatch, type IngestOutcome } from './ingest';
import type { ServerStore } from './store';

export type QueuedOutcome =
  | IngestOutcome
  | { status: 500; error: 'internal'; message: string; expectedSeq?: undefined }
  | { status: 503; error: 'disk_full'; message: string; expectedSeq?: undefined };

const INTERNAL: QueuedOutcome = {
  status: 500,
  error: 'internal',
  message: 'Enregistrement impossible : réessayez.',
};

/** The disk under the database is full: nothing was stored, the kiosk keeps its batch and sends it again. */
export const DISK_FULL = {
  status: 503,
  error: 'disk_full',
  message: 'Le disque du serveur central est plein : le lot n’est pas enregistré. Renvoyez-le plus tard.',
} as const satisfies QueuedOutcome;

/** The outcome, and which group commit it was part of (a counter: batches sharing one fsync). */
export type GroupedOutcome = QueuedOutcome & { commit: number };

interface Pending {
  body: unknown;
  resolve: (outcome: GroupedOutcome) => void;
}

export class IngestQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  private commits = 0;

  constructor(
    private readonly store: ServerStore,
    private readonly authority: Authority,
    private readonly now: () => Date,
    private readonly onCommit: () => void,
    /** Most batches ingested in one transaction. */
    private readonly maxGroup = 64,
  ) {}

  submit(body: unknown): Promise<GroupedOutcome> {
    return new Promise((resolve) => {
      this.pending.push({ body, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.pending.splice(0, this.maxGroup);
    let outcomes: QueuedOutcome[];
    try {
      const at = this.now();
      outcomes = this.store.immediate(() => {
        const done = group.map((p) => ingestBatch(this.store, this.authority, p.body, at));
        // Refusals counted in memory ride along with a commit that syncs anyway.
        if (done.some((o) => !('error' in o))) this.store.flushRejections();
        return done;
      });
    } catch {
      // One request's unexpected failure must not sink the others: redo them one transaction each.
      outcomes = group.map((p) => {
        try {
          return ingestBatch(this.store, this.authority, p.body, this.now());
        } catch (error) {
          return isDiskFull(error, this.store.path) ? DISK_FULL : INTERNAL;
        }
      });
    }
    this.onCommit();
    const commit = ++this.commits;
    group.forEach((p, i) => p.resolve({ ...(outcomes[i] ?? INTERNAL), commit }));
    if (this.pending.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }
}
