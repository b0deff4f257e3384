/**
 * The kiosk core's facade: `openKiosk` opens the store, the identity, the election, the communes and the
 * sync, wires them together and returns the handlers of every method of the typed API
 * (src/shared/api.ts), gated by each method's role. The Electron shell and the browser harness only
 * forward calls to these handlers. Follow a vote from here: voter-handlers.ts, then checkEligibility →
 * eligibility.ts, castBallot → ballots.ts (one transaction, which also seals a full batch:
 * sync/outbox.ts), then sync/uploader.ts sends it on.
 */
import type { KioskHandlers } from '../../shared/api';
import { withMediatorGate } from '../../shared/dispatch';
import { ok } from '../../shared/result';
import { appendAudit, type AuditDetail, type AuditKind } from './audit';
import { CommuneCache, defaultCommunesPath } from './communes';
import type { KioskContext, KioskLog } from './context';
import { CurrentElection } from './election-installer';
import { loadOrCreateIdentity } from './identity';
import { journalScrubber } from './journal-scrub';
import { MediatorGuard } from './mediator';
import { applyProvision, type Provision } from './provision';
import { createSetupHandlers, refuseUntilSetUp, setupState } from './setup';
import { DEFAULT_SESSION_TTL_MS, SessionRegistry } from './sessions';
import { kioskStatus, trainingOn } from './status';
import { KioskStore, settingKeys } from './store';
import { SyncEngine, type SyncOptions } from './sync/engine';
import { createSyncHandlers } from './sync/handlers';
import { createVoterHandlers } from './voter-handlers';

export type { KioskContext, KioskLog } from './context';

export interface KioskOptions {
  /** Default chosen by the shell: <app data>/kiosk.sqlite */
  dbPath: string;
  /** Default resources/generated/communes-62.json (see defaultCommunesPath). */
  communesPath?: string;
  /** Injected clock for tests. */
  now?: () => Date;
  /** Injected monotonic milliseconds for tests (mediator lockout and idle expiry); performance.now by default. */
  monotonicMs?: () => number;
  sessionTtlMs?: number;
  /** Keys (and optionally a signed election file) handed over at set-up; see provision.ts. */
  provision?: Provision;
  /** Never receives choices, names or tokens. */
  log?: KioskLog;
  /** Sync tunables (batch size, backoff, timeouts), in force from the upload loop's first round. */
  sync?: SyncOptions;
}

export interface Kiosk {
  handlers: KioskHandlers;
  store: KioskStore;
  kioskId: string;
  context: KioskContext;
  /** The kiosk's sync (outbox and uploader); its loop runs until `close()`. */
  sync: SyncEngine;
  close(): void;
}

export function openKiosk(options: KioskOptions): Kiosk {
  const now = options.now ?? ((): Date => new Date());
  const log: KioskLog = options.log ?? ((): void => undefined);
  const store = KioskStore.open(options.dbPath);
  const cleanups: Array<() => void> = [];
  try {
    // A crash between a cast's commit and its scrub leaves that commit in the WAL: clear it first.
    store.scrubJournal();
    const identity = loadOrCreateIdentity(store);
    const sessions = new SessionRegistry(options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
    const audit = (kind: AuditKind, detail: AuditDetail = {}): void =>
      appendAudit(store, now(), kind, detail);

    const current = new CurrentElection({ store, sessions, audit, log });
    const election = current.election.bind(current);
    // Set when the mediator guard exists (below); until then no account is known.
    let hasMediator = (): boolean => false;
    const setup = (): ReturnType<typeof setupState> => setupState(store, hasMediator());
    const status = (): ReturnType<KioskContext['status']> => ({
      ...kioskStatus({ store, kioskId: identity.kioskId, election: election(), now: now() }),
      setup: setup(),
    });

    if (options.provision) applyProvision(store, options.provision, current.install, audit);
    current.reload();
    audit('start', { kioskId: identity.kioskId });
    log('start', { kioskId: identity.kioskId, election: election()?.electionId ?? 'none' });

    const context: KioskContext = {
      store,
      identity,
      now,
      log,
      election,
      installElection: current.install,
      audit,
      status,
      onClose: (cleanup) => cleanups.push(cleanup),
    };

    // The communes of the département the election names (the sample ships département 62).
    const communes = new CommuneCache(() => options.communesPath ?? defaultCommunesPath(), log);
    const sync = new SyncEngine(context, options.sync);
    const mediator = new MediatorGuard({
      store,
      audit,
      now,
      monotonicMs: options.monotonicMs ?? ((): number => performance.now()),
    });
    hasMediator = () => mediator.pinSet();

    const voter = createVoterHandlers({
      store,
      sessions,
      current,
      communes: () => communes.for(election()?.department ?? '62'),
      now,
      log,
      audit,
      sealIfFull: () => void sync.sealFull(),
      afterCast: journalScrubber(store, log),
    });

    const handlers: KioskHandlers = {
      getStatus: () => ok(status()),

      ...voter,
      // Until the setup is done no voter reaches the election.
      getElection: (input) => refuseUntilSetUp(setup()) ?? voter.getElection(input),
      checkEligibility: (input) => refuseUntilSetUp(setup()) ?? voter.checkEligibility(input),
      castBallot: (input) => refuseUntilSetUp(setup()) ?? voter.castBallot(input),

      setTraining: ({ training: on }) => {
        if (on !== trainingOn(store)) {
          store.transaction(() => {
            store.setSetting(settingKeys.training, on ? '1' : '0');
            audit('training_changed', { training: on });
          });
          // A voter session opened in one mode must not cast in the other.
          sessions.clear();
          log('training_changed', { training: on });
        }
        return ok(status());
      },

      ...createSyncHandlers(context, sync),

      ...createSetupHandlers({
        context,
        dbPath: options.dbPath,
        hasMediator: () => hasMediator(),
        http: () => sync.enrolHttp(),
        onEnrolled: () => sync.kick(),
      }),

      mediatorStatus: () => ok(mediator.status()),
      setMediatorPin: ({ pin, currentPin }) => mediator.setPin(pin, currentPin),
      unlockMediator: ({ pin }) => mediator.unlock(pin),
      lockMediator: () => mediator.lock(),
    };

    // The first round comes on a later turn of the event loop: a `sync.configure` just after applies.
    sync.start();
    context.onClose(() => void sync.stop());

    let closed = false;
    return {
      // Once a mediator PIN is set, the methods the contract gives the mediator role need an open session.
      handlers: withMediatorGate(handlers, () => mediator.allowed()),
      store,
      kioskId: identity.kioskId,
      context,
      sync,
      close: () => {
        if (closed) return;
        closed = true;
        for (const cleanup of cleanups.splice(0).reverse()) cleanup();
        sessions.clear();
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
