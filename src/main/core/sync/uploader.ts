/**
 * The kiosk's uploader: the background loop (exponential backoff with jitter, capped, never giving up
 * while the kiosk is open), one upload round (send every waiting batch in seq order, store a batch as
 * sent only with a valid signed ack for its own kiosk, seq and hash), and the pull side after a good
 * round (participation register, refreshed election package: election-updates.ts). Stopping it (`stop()`, called by the kiosk's `close()`) ends the loop and waits for the
 * round in flight. What it sends is sealed by the outbox (outbox.ts), which each round asks first.
 *
 * Which failures do what (docs/sync.md "Upload and acks"): nothing answered, or something that is not the
 * server answered (a captive portal) → retried with backoff, a light probe cutting the wait short when the
 * server answers again; the server answered but failed (5xx, 429, a bad ack, a refused register pull) →
 * retried with backoff, never sooner; the server refused the batch with a content or identity wire error →
 * the chain is blocked until a mediator's Synchroniser succeeds.
 */
import type { WireErrorCode } from '../../../shared/errors';
import { AckPayload, ParticipationPage, SignedDocument } from '../../../shared/wire';
import { parseJsonBytes, verifyDocument } from '../../../shared/node/crypto';
import { appendAudit, type AuditDetail } from '../audit';
import type { KioskIdentity } from '../identity';
import type { KioskContext } from '../context';
import { settingKeys, type KioskStore } from '../store';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff';
import { joinUrl, requestJson, type FetchLike, type HttpOutcome } from './http';
import { ElectionUpdates } from './election-updates';
import { registerHeaders } from './register-auth';
import { syncStateKeys, type StoredBatch, type SyncStore } from './sync-store';

export interface SyncOptions {
  backoff?: BackoffPolicy;
  /** How often the idle loop looks for batches to seal (the hold-back, the election's close). */
  idleMs?: number;
  /** How often, while backing off after a failure, the loop checks whether the server is back. */
  probeMs?: number;
  requestTimeoutMs?: number;
  random?: () => number;
  fetch?: FetchLike;
}

export type RoundOutcome = 'synced' | 'failed' | 'blocked' | 'not_enrolled';

/** Why a round stopped, kept for the status in plain French. */
interface RoundError {
  code: string;
  message: string;
  /** For the journal and the log only (the screen shows `message`): e.g. the server's wire code. */
  detail?: AuditDetail;
}

/**
 * Wire refusals of a batch that stop the chain: the server will refuse these same bytes again, so
 * resending them is pointless until a person has looked. Any other refusal is retried with backoff.
 */
const BLOCKING_REFUSALS: ReadonlySet<WireErrorCode> = new Set([
  'conflict',
  'invalid_content',
  'malformed',
  'unknown_kiosk',
  'bad_signature',
  'too_large',
]);

/** The server's message is French by contract; bounded so a wrong server cannot flood the screen. */
const serverText = (message: string): string =>
  message.length > 300 ? `${message.slice(0, 300)}…` : message;

/** What a failure outside any round says in the log: its kind and code, never its data. */
const describeError = (cause: unknown): Record<string, string> => ({
  error: cause instanceof Error ? cause.name : typeof cause,
  code: cause instanceof Error && 'code' in cause ? String(cause.code) : '',
});

const MSG = {
  network:
    'Le serveur central est injoignable (réseau absent ou coupé). Les votes restent en sécurité ici ; nouvel essai automatique.',
  intercepted:
    'Le réseau a répondu à la place du serveur (portail wifi ?) ; nouvel essai automatique. Les votes restent en sécurité ici.',
  serverBusy:
    'Le serveur central a un problème passager. Les votes restent en sécurité ici ; nouvel essai automatique.',
  ackInvalid:
    'Le serveur a répondu avec un accusé de réception non valide : le lot reste à envoyer. Si cela se répète, appelez l’équipe centrale.',
  blocked: (serverMessage: string) =>
    `Le serveur central refuse un lot de ce kiosque : « ${serverText(serverMessage)} » L’envoi est arrêté ; appelez l’équipe centrale. Rien n’est effacé.`,
  blockedAhead:
    'Le serveur attend un lot que ce kiosque n’a pas : l’envoi est arrêté. Appelez l’équipe centrale ; rien n’est effacé.',
  refused: (serverMessage: string) =>
    `Le serveur central n’a pas pris le lot : « ${serverText(serverMessage)} » Nouvel essai automatique.`,
  rewindLoop:
    'Le serveur redemande sans cesse des lots déjà envoyés ; nouvel essai automatique. Si cela dure, appelez l’équipe centrale.',
  registerFailed: 'Les lots sont envoyés, mais la liste des participants n’a pas pu être récupérée.',
  registerForged:
    'La liste des participants reçue n’est pas signée par l’autorité de cette consultation : elle est refusée, rien n’a été enregistré. Si cela dure, appelez l’équipe centrale.',
  internal: 'Erreur inattendue pendant la synchronisation ; nouvel essai automatique.',
} as const;

/** The uploader's tunables (K is the election package's, never a tunable). */
export type UploaderOptions = SyncOptions;

export class Uploader {
  readonly store: KioskStore;
  readonly identity: KioskIdentity;
  private readonly now: () => Date;
  /** The election packages the server offers: applied, refused or kept pending for a mediator. */
  readonly electionUpdates: ElectionUpdates;
  private backoff: BackoffPolicy = defaultBackoff;
  private idleMs = 5_000;
  /** How often a backing-off loop checks whether the server answers again. */
  private probeMs = 10_000;
  private requestTimeoutMs = 15_000;
  private random: () => number = Math.random;
  private fetchImpl: FetchLike | undefined;
  /** Aborts the request in flight when the kiosk closes, so closing never waits for a dead network. */
  private readonly abort = new AbortController();

  private running = false;
  /** Set by `stop()`: a round in flight ends after its current request. */
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private failures = 0;
  /**
   * The code of the last failed round. Only `server_unreachable` (nothing answered, or not the server)
   * lets the probe cut the backoff short: after any other failure the server did answer, so its answering
   * a probe says nothing new, and retrying at every probe would hammer a server that is failing.
   */
  private lastFailureCode: string | null = null;
  private round: Promise<RoundOutcome> | null = null;
  /** Set by `syncNow`: one attempt even when the chain is blocked (the central team may have fixed it). */
  private force = false;

  /** `sealFull` seals the full batches waiting (the outbox's), run at the start of every round. */
  constructor(
    private readonly context: KioskContext,
    readonly syncStore: SyncStore,
    private readonly sealFull: () => void,
    options: UploaderOptions = {},
  ) {
    this.store = context.store;
    this.identity = context.identity;
    this.now = context.now;
    this.electionUpdates = new ElectionUpdates(context, syncStore);
    this.configure(options);
  }

  /** Changes the tunables; takes effect at the next round. */
  configure(options: UploaderOptions): void {
    if (options.backoff) this.backoff = options.backoff;
    if (options.idleMs !== undefined) this.idleMs = options.idleMs;
    if (options.probeMs !== undefined) this.probeMs = options.probeMs;
    if (options.requestTimeoutMs !== undefined) this.requestTimeoutMs = options.requestTimeoutMs;
    if (options.random) this.random = options.random;
    if (options.fetch) this.fetchImpl = options.fetch;
  }

  // ------------------------------------------------------------ loop

  /**
   * Starts the background loop (idempotent). The first round comes on a later turn of the event loop, so
   * a `configure` right after opening the kiosk applies to it (batch size, timeouts).
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  /** Stops the loop and waits for the round in flight to end (its writes are transactions). */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.round;
    await this.loop;
    this.loop = null;
  }

  /** True while the background loop runs (until `stop()` has fully ended it). */
  get looping(): boolean {
    return this.loop !== null;
  }

  /** Wakes the loop now (mediator's "Synchroniser", or the network came back). */
  kick(): void {
    this.wake?.();
  }

  private async runLoop(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.running) {
      let outcome: RoundOutcome;
      // Nothing but stop() may end the loop: an error outside a round's own guard (the disk full while
      // recording a failure, say) is logged and retried with backoff like any failed round.
      try {
        outcome = await this.runRound();
      } catch (cause) {
        this.lastFailureCode = 'internal';
        this.context.log('sync_loop_error', describeError(cause));
        outcome = 'failed';
      }
      if (!this.running) break;
      if (outcome !== 'failed') {
        this.failures = 0;
        await this.pause(this.idleMs);
        continue;
      }
      this.failures += 1;
      await this.backOff(backoffDelay(this.failures, this.backoff, this.random));
    }
  }

  /**
   * Waits `delayMs` (a monotonic clock: the kiosk's wall clock may be moved back by hours), or less when
   * kicked. After a failure where nothing answered, a light probe every `probeMs` notices the network
   * coming back, so the retry comes at once rather than up to the backoff cap later.
   */
  private async backOff(delayMs: number): Promise<void> {
    const until = performance.now() + delayMs;
    const probing = this.lastFailureCode === 'server_unreachable';
    // Always one real pause, however short: a retry never runs without the event loop turning (the
    // screen's calls, the timers) even if a policy said zero.
    for (;;) {
      const left = Math.max(0, until - performance.now());
      if (await this.pause(probing ? Math.min(this.probeMs, left) : left)) return;
      if (!this.running || until - performance.now() <= 0) return;
      if (probing && (await this.serverAnswers())) return;
    }
  }

  /** Sleeps `ms`, or less when kicked; true when kicked. */
  private async pause(ms: number): Promise<boolean> {
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(0, ms));
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.wake = null;
    return woken;
  }

  /** Any HTTP answer from the server's smallest endpoint (this kiosk's state) means it is back. */
  private async serverAnswers(): Promise<boolean> {
    const serverUrl = this.store.db.open ? this.serverUrl() : null;
    if (!serverUrl) return false;
    const answer = await requestJson(
      joinUrl(serverUrl, `/api/v1/kiosks/${this.identity.kioskId}`),
      { method: 'GET' },
      { ...this.httpOptions(), timeoutMs: Math.min(this.requestTimeoutMs, 5_000) },
    );
    return answer.kind !== 'transient';
  }

  /** One round, never two at once (the loop and a mediator's click share it). */
  runRound(): Promise<RoundOutcome> {
    if (!this.round)
      this.round = this.guardedRound().finally(() => {
        this.round = null;
      });
    return this.round;
  }

  /** A round never throws into the loop: an unexpected error is reported and retried like a failure. */
  private async guardedRound(): Promise<RoundOutcome> {
    try {
      return await this.doRound();
    } catch {
      // Closing the kiosk mid-round closes the database under the round: nothing to report then.
      if (this.stopped || !this.store.db.open) return 'failed';
      return this.fail({ code: 'internal', message: MSG.internal }, false);
    }
  }

  /** The mediator's "Synchroniser": a round now, even if blocked. */
  async syncNow(): Promise<RoundOutcome> {
    if (this.round) await this.round;
    this.force = true;
    const outcome = await this.runRound();
    if (outcome === 'synced') this.failures = 0;
    this.kick();
    return outcome;
  }

  // ------------------------------------------------------------ one round

  /** Called after each successful round (the signed status report), awaited within the round. */
  afterSuccess: ((serverUrl: string) => Promise<unknown>) | null = null;

  private serverUrl(): string | null {
    return this.store.getSetting(settingKeys.serverUrl);
  }

  private authorityKey(): string | null {
    return this.store.getSetting(settingKeys.authorityPublicKey);
  }

  private async doRound(): Promise<RoundOutcome> {
    const forced = this.force;
    this.force = false;
    this.sealFull();
    const serverUrl = this.serverUrl();
    const authorityKey = this.authorityKey();
    if (!serverUrl || !authorityKey) return 'not_enrolled';
    if (this.syncStore.getState(syncStateKeys.blockedCode) && !forced) return 'blocked';

    const upload = await this.uploadWaiting(serverUrl, authorityKey);
    if (upload !== null) return this.fail(upload.error, upload.blocked);
    if (forced && this.syncStore.getState(syncStateKeys.blockedCode)) {
      this.syncStore.setState(syncStateKeys.blockedCode, null);
      this.syncStore.setState(syncStateKeys.blockedMessage, null);
      this.audit('sync_unblocked', {});
    }

    const pulled = await this.pull(serverUrl, authorityKey);
    if ('code' in pulled) return this.fail(pulled, false);

    // The batches are in: the round counts as a success (the loop idles, it does not back off), but a
    // refused election package stays in the status until the server offers one that verifies.
    this.lastFailureCode = null;
    this.syncStore.transaction(() => {
      this.syncStore.setState(syncStateKeys.serverReachable, 'true');
      this.syncStore.setState(syncStateKeys.lastSuccessAt, this.now().toISOString());
      this.syncStore.setState(syncStateKeys.lastErrorCode, pulled.warning?.code ?? null);
      this.syncStore.setState(syncStateKeys.lastErrorMessage, pulled.warning?.message ?? null);
    });
    // The kiosk's signed status rides on a successful round; its failure never fails the round.
    await this.afterSuccess?.(serverUrl).catch(() => undefined);
    return 'synced';
  }

  private fail(error: RoundError, blocked: boolean): RoundOutcome {
    this.lastFailureCode = error.code;
    // One transaction: one disk sync per failed round, not four.
    this.syncStore.transaction(() => {
      this.syncStore.setState(syncStateKeys.lastErrorCode, error.code);
      this.syncStore.setState(syncStateKeys.lastErrorMessage, error.message);
      this.syncStore.setState(
        syncStateKeys.serverReachable,
        error.code === 'server_unreachable' ? 'false' : 'true',
      );
      if (blocked) {
        this.syncStore.setState(syncStateKeys.blockedCode, error.code);
        this.syncStore.setState(syncStateKeys.blockedMessage, error.message);
        appendAudit(this.store, this.now(), 'sync_blocked', { code: error.code, ...error.detail });
      }
    });
    if (blocked) this.context.log('sync_blocked', { code: error.code, ...error.detail });
    return blocked ? 'blocked' : 'failed';
  }

  /** A request that got no answer from the server itself, in plain French. */
  private transientError(answer: Extract<HttpOutcome, { kind: 'transient' }>): RoundError {
    const detail = { reason: answer.reason, ...(answer.status ? { status: answer.status } : {}) };
    if (answer.reason === 'server_busy') return { code: 'server_busy', message: MSG.serverBusy, detail };
    if (answer.reason === 'not_isoloir')
      return { code: 'server_unreachable', message: MSG.intercepted, detail };
    return { code: 'server_unreachable', message: MSG.network, detail };
  }

  /**
   * Sends the waiting batches in seq order. Returns null when all are acked, or why it stopped. An
   * `out_of_order` answer rewinds to the server's `expectedSeq` (batches are kept after their ack, so a
   * server restored from an older copy can be brought back up to date).
   */
  private async uploadWaiting(
    serverUrl: string,
    authorityKey: string,
  ): Promise<{ error: RoundError; blocked: boolean } | null> {
    let queue: StoredBatch[] = this.syncStore.waitingBatches();
    const rewinds = new Set<number>();
    while (queue.length > 0 && !this.stopped) {
      const batch = queue[0];
      if (!batch) break;
      const answer = await requestJson(
        joinUrl(serverUrl, '/api/v1/batches'),
        // The stored envelope text, byte for byte: exactly what is exported to USB too.
        { method: 'POST', rawBody: batch.envelopeText },
        this.httpOptions(),
      );
      if (answer.kind === 'transient') return { error: this.transientError(answer), blocked: false };
      if (answer.kind === 'ok') {
        // The mediator sees the network come back at the first answer, not at the end of the round
        // (written only when it changes: each write is a disk sync).
        if (this.syncStore.getState(syncStateKeys.serverReachable) !== 'true')
          this.syncStore.setState(syncStateKeys.serverReachable, 'true');
        if (!this.storeAck(batch, answer.body, authorityKey))
          return { error: { code: 'ack_invalid', message: MSG.ackInvalid }, blocked: false };
        queue.shift();
        continue;
      }
      const head = this.syncStore.head()?.seq ?? 0;
      if (answer.status === 409 && answer.error === 'out_of_order' && answer.expectedSeq !== undefined) {
        const expected = answer.expectedSeq;
        if (expected > head)
          return { error: { code: 'sync_blocked', message: MSG.blockedAhead }, blocked: true };
        // A second rewind to the same point without progress would loop forever: retry later instead.
        if (rewinds.has(expected))
          return { error: { code: 'sync_rewind_loop', message: MSG.rewindLoop }, blocked: false };
        rewinds.add(expected);
        this.audit('sync_rewind', { from: batch.seq, to: expected });
        queue = this.syncStore.batchesFrom(expected);
        continue;
      }
      const detail = { status: answer.status, wire: answer.error, seq: batch.seq };
      // Only the server's content and identity refusals stop the chain (the same bytes would be refused
      // again); anything else it refuses (an unknown route while it is being upgraded, say) is retried.
      if (!BLOCKING_REFUSALS.has(answer.error))
        return {
          error: { code: 'upload_refused', message: MSG.refused(answer.message), detail },
          blocked: false,
        };
      return { error: { code: 'sync_blocked', message: MSG.blocked(answer.message), detail }, blocked: true };
    }
    return null;
  }

  /** Verifies the ack (authority key, `ack` domain, our kiosk, this seq and hash) and stores it. */
  private storeAck(batch: StoredBatch, body: unknown, authorityKey: string): boolean {
    const doc = SignedDocument.safeParse(body);
    if (!doc.success) return false;
    const verified = verifyDocument('ack', doc.data, authorityKey);
    if (!verified.ok) {
      this.audit('ack_refused', { seq: batch.seq, reason: verified.reason });
      return false;
    }
    const ack = AckPayload.safeParse(parseJsonBytes(verified.bytes));
    if (
      !ack.success ||
      ack.data.kioskId !== this.identity.kioskId ||
      ack.data.seq !== batch.seq ||
      ack.data.hash !== batch.hash
    ) {
      this.audit('ack_refused', { seq: batch.seq, reason: 'mismatch' });
      return false;
    }
    const stored = this.syncStore.transaction(() => {
      const changed = this.syncStore.markAcked(
        batch.seq,
        batch.hash,
        JSON.stringify(doc.data),
        this.now().toISOString(),
      );
      if (changed)
        appendAudit(this.store, this.now(), 'batch_acked', { seq: batch.seq, status: ack.data.status });
      return changed;
    });
    // Already acked earlier (a rewind resends acked batches): fine, the first ack stays.
    return stored || this.syncStore.batch(batch.seq)?.ackedAt !== null;
  }

  // ------------------------------------------------------------ pull side

  /** The election package, then the register; a refused package is a warning, not a failed round. */
  private async pull(
    serverUrl: string,
    authorityKey: string,
  ): Promise<RoundError | { warning: RoundError | null }> {
    const refreshed = await this.refreshElection(serverUrl, authorityKey);
    if ('code' in refreshed) return refreshed;
    const register = await this.pullRegister(serverUrl, authorityKey, refreshed.serverClockOffsetMs);
    return register ?? { warning: refreshed.warning };
  }

  /**
   * Merges the server's participation register into `remote_participations`, page by page. Each page is
   * a document signed by the authority (`registerPage` domain); it is verified with the key pinned at
   * enrolment, and its `kioskId`, `after` and election must repeat the request, before any token is
   * stored. A page that fails is refused whole (journaled `register_refused`), and the pull stops.
   */
  private async pullRegister(
    serverUrl: string,
    authorityKey: string,
    serverClockOffsetMs: number,
  ): Promise<RoundError | null> {
    let cursor = this.syncStore.getState(syncStateKeys.registerCursor) ?? '0';
    let added = 0;
    for (let page = 0; page < 10_000; page += 1) {
      const path = `/api/v1/participations?after=${encodeURIComponent(cursor)}`;
      const serverTime = new Date(this.now().getTime() + serverClockOffsetMs);
      const answer = await requestJson(
        joinUrl(serverUrl, path),
        { method: 'GET', headers: registerHeaders(this.identity, cursor, serverTime) },
        this.httpOptions(),
      );
      if (answer.kind === 'transient') return this.transientError(answer);
      if (answer.kind === 'refused')
        return {
          code: 'register_refused',
          message: `${MSG.registerFailed} (${serverText(answer.message)})`,
          detail: { status: answer.status, wire: answer.error },
        };
      const page = this.verifyRegisterPage(answer.body, authorityKey, cursor);
      // The register of an election the server offers but a mediator has not confirmed: not ours yet.
      if (page === 'pending') break;
      if ('code' in page) return page;
      const { tokens, next } = page;
      this.syncStore.transaction(() => {
        added += this.store.addRemoteParticipations(tokens);
        this.syncStore.setState(syncStateKeys.registerCursor, next);
      });
      if (tokens.length === 0 || next === cursor) break;
      cursor = next;
    }
    if (added > 0) this.audit('register_merged', { added });
    return null;
  }

  /** A register page checked as `pullRegister` says, or the round's error (journaled). */
  private verifyRegisterPage(
    body: unknown,
    authorityKey: string,
    after: string,
  ): ParticipationPage | RoundError | 'pending' {
    const refuse = (code: string, reason: string, message: string): RoundError => {
      this.audit('register_refused', { reason });
      return { code, message, detail: { reason } };
    };
    const doc = SignedDocument.safeParse(body);
    if (!doc.success) return refuse('register_malformed', 'malformed', MSG.registerFailed);
    const verified = verifyDocument('registerPage', doc.data, authorityKey);
    if (!verified.ok) return refuse('register_forged', verified.reason, MSG.registerForged);
    const parsed = ParticipationPage.safeParse(parseJsonBytes(verified.bytes));
    if (!parsed.success) return refuse('register_malformed', 'malformed', MSG.registerFailed);
    const electionId = this.context.election()?.electionId;
    if (
      parsed.data.kioskId === this.identity.kioskId &&
      parsed.data.electionId !== electionId &&
      parsed.data.electionId === this.syncStore.getState(syncStateKeys.pendingElectionId)
    )
      return 'pending';
    if (
      parsed.data.kioskId !== this.identity.kioskId ||
      parsed.data.after !== after ||
      (electionId !== undefined && parsed.data.electionId !== electionId)
    )
      return refuse('register_forged', 'mismatch', MSG.registerForged);
    return parsed.data;
  }

  /**
   * Fetches the signed election package and hands it to the election updates (election-updates.ts):
   * applied when it verifies and is the same election, kept pending for a mediator when it is another.
   */
  private async refreshElection(
    serverUrl: string,
    authorityKey: string,
  ): Promise<RoundError | { serverClockOffsetMs: number; warning: RoundError | null }> {
    const sentAt = this.now().getTime();
    const answer = await requestJson(
      joinUrl(serverUrl, '/api/v1/election'),
      { method: 'GET' },
      this.httpOptions(),
    );
    if (answer.kind === 'transient') return this.transientError(answer);
    if (answer.kind === 'refused') return { serverClockOffsetMs: 0, warning: null };
    // The kiosk clock is never trusted: the register request is timed by the server's own clock.
    const serverClockOffsetMs = answer.serverDate ? answer.serverDate.getTime() - sentAt : 0;
    return { serverClockOffsetMs, warning: this.electionUpdates.offered(answer.body, authorityKey) };
  }

  /** Audit event with codes and counts only (never a token, a ballot id or a choice). */
  private audit(kind: string, detail: AuditDetail): void {
    this.context.audit(kind, detail);
  }

  /** What enrolment uses to reach the server: the same fetch (tests) and timeout as the uploads. */
  enrolHttp(): { fetch?: FetchLike; timeoutMs: number } {
    return this.fetchImpl
      ? { fetch: this.fetchImpl, timeoutMs: this.requestTimeoutMs }
      : { timeoutMs: this.requestTimeoutMs };
  }

  private httpOptions(): { fetch?: FetchLike; timeoutMs: number; signal: AbortSignal } {
    const base = { timeoutMs: this.requestTimeoutMs, signal: this.abort.signal };
    return this.fetchImpl ? { ...base, fetch: this.fetchImpl } : base;
  }
}
