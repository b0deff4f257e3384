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
import { err, ok } from '../../shared/result';
import { accountJournal } from './audit';
import { backupAfterExport } from './backup';
import { CommuneCache, defaultCommunesPath } from './communes';
import {
  KioskStartError,
  keptDamagedFile,
  setDamagedAside,
  startFailureHandlers,
  stillDamaged,
} from './damaged-db';
import { answerDiskFull, DiskWatch } from './disk-watch';
import type { KioskContext, KioskLog } from './context';
import { CurrentElection } from './election-installer';
import { loadIdentity } from './identity';
import { journalScrubber } from './journal-scrub';
import { MediatorAccounts } from './mediator';
import { createMediatorHandlers } from './mediator-handlers';
import { MediatorStore } from './mediator-store';
import { CounterDay } from './day';
import { createDayHandlers } from './day-handlers';
import { DayStore } from './day-store';
import { resolveDrive, systemDriveSearch } from './drives';
import { KEYS_LOCKED_MESSAGE } from './keys';
import { applyProvision, type Provision } from './provision';
import { createSetupHandlers, refuseUntilSetUp, setupState } from './setup';
import { DEFAULT_SESSION_TTL_MS, SessionRegistry } from './sessions';
import { kioskStatus, trainingOn } from './status';
import { KioskStore } from './store';
import { isCorruption } from '../../shared/node/sqlite';
import { SyncEngine, type SyncOptions } from './sync/engine';
import { createSyncHandlers } from './sync/handlers';
import { StatusReporter } from './sync/status-report';
import { createUsbHandlers } from './sync/usb-export';
import { createVoterHandlers } from './voter-handlers';

export type { KioskContext, KioskLog } from './context';
export { KioskStartError } from './damaged-db';

export interface KioskOptions {
  /** Default chosen by the shell: <app data>/kiosk.sqlite */
  dbPath: string;
  /** Default resources/generated/communes-62.json (see defaultCommunesPath). */
  communesPath?: string;
  /** Injected clock for tests. */
  now?: () => Date;
  /** Injected monotonic milliseconds for tests (mediator lockout and idle expiry); performance.now by default. */
  monotonicMs?: () => number;
  /** scrypt cost of mediator PINs (2^logN, default keys.ts PIN_KDF_LOG_N); tests lower it. */
  pinKdfLogN?: number;
  sessionTtlMs?: number;
  /** Keys (and optionally a signed election file) handed over at set-up; see provision.ts. */
  provision?: Provision;
  /** Never receives choices, names or tokens. */
  log?: KioskLog;
  /** Sync tunables (batch size, backoff, timeouts), in force from the upload loop's first round. */
  sync?: SyncOptions;
  /** The application's version, reported to the server at each sync (the shell knows it). */
  appVersion?: string;
  /** The shell prints receipts (a printer is configured); shown to the screens as `status.printer`. */
  receiptPrinter?: boolean;
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

/**
 * Opens the kiosk's database, or throws a `KioskStartError` (damaged-db.ts) when it is damaged: the
 * file is set aside, never replaced by a fresh one, and stays the reason the kiosk refuses to start.
 */
function openStore(dbPath: string, now: Date, log: KioskLog): KioskStore {
  const kept = keptDamagedFile(dbPath);
  if (kept) throw stillDamaged(kept);
  try {
    return KioskStore.open(dbPath);
  } catch (error) {
    if (!isCorruption(error)) throw error;
    const aside = setDamagedAside(dbPath, error instanceof Error ? error.message : String(error), now);
    log('database_damaged', { keptAs: aside.keptAs });
    throw aside;
  }
}

export function openKiosk(options: KioskOptions): Kiosk {
  const now = options.now ?? ((): Date => new Date());
  const log: KioskLog = options.log ?? ((): void => undefined);
  const store = openStore(options.dbPath, now(), log);
  const cleanups: Array<() => void> = [];
  try {
    // A crash between a cast's commit and its scrub leaves that commit in the WAL: clear it first.
    store.scrubJournal();
    const { identity, keys } = store.transaction(() => loadIdentity(store));
    const sessions = new SessionRegistry(options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
    // Every event a mediator method journals carries the id of the account behind it.
    const journal = accountJournal(store, now);
    const audit = journal.audit;
    const accounts = new MediatorStore(store.db);
    const dayStore = new DayStore(store);
    const mediator = new MediatorAccounts({
      store,
      accounts,
      keys,
      audit,
      now,
      monotonicMs: options.monotonicMs ?? ((): number => performance.now()),
      // The keys stay in memory while the day is open or paused, and while training is on.
      keepKeys: () => trainingOn(store) || dayStore.get().state !== 'closed',
      ...(options.pinKdfLogN !== undefined ? { pinKdfLogN: options.pinKdfLogN } : {}),
    });

    const disk = new DiskWatch(options.dbPath);
    const current = new CurrentElection({ store, sessions, audit, log });
    const election = current.election.bind(current);
    const status = (): ReturnType<KioskContext['status']> =>
      kioskStatus({
        store,
        kioskId: identity.kioskId,
        keys,
        hasMediator: mediator.hasAccounts(),
        day: dayStore.get(),
        election: election(),
        now: now(),
        diskFull: disk.full(),
        printer: options.receiptPrinter ?? false,
      });

    if (options.provision) applyProvision(store, keys, options.provision, current.install, audit);
    current.reload();
    audit('start', { kioskId: identity.kioskId });
    log('start', { kioskId: identity.kioskId, election: election()?.electionId ?? 'none' });

    const context: KioskContext = {
      store,
      identity,
      keys,
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
    const currentMediator = (): { id: string; name: string } | null => mediator.status().current;
    const day = new CounterDay({
      dayStore,
      now,
      audit,
      log,
      election,
      sessions,
      currentMediator,
      keys: {
        hold: () => (keys.unlocked() ? ok(undefined) : err('not_ready', KEYS_LOCKED_MESSAGE)),
        // Closing is a mediator's act: the keys go when that session ends, unless training keeps them.
        release: () => {
          if (!trainingOn(store) && mediator.currentId() === null) keys.lock();
        },
      },
      reports: {
        store,
        dayStore,
        kioskId: identity.kioskId,
        electionId: () => election()?.electionId ?? null,
        chain: () => ({ ...sync.syncStore.sealedRange(), head: sync.syncStore.head()?.hash ?? null }),
        sync: () => sync.status(),
        sign: (domain, value) => identity.signDocument(domain, value),
      },
      requestSync: () => sync.kick(),
    });

    const voter = createVoterHandlers({
      store,
      sessions,
      current,
      communes: () => communes.for(election()?.department ?? '62'),
      now,
      log,
      audit,
      kioskId: identity.kioskId,
      sealIfFull: () => void sync.sealFull(),
      finalSealed: () => sync.finalSealed(),
      afterCast: journalScrubber(store, log),
      disk,
      keys,
      day,
    });
    const setup = (): ReturnType<typeof setupState> => setupState(store, mediator.hasAccounts());

    const syncHandlers = createSyncHandlers(context, sync);
    const usb = createUsbHandlers({ engine: sync, drives: () => systemDriveSearch() });
    const handlers: KioskHandlers = {
      getStatus: () => ok(status()),

      ...voter,
      // Until the setup is done no voter reaches the election.
      getElection: (input) => refuseUntilSetUp(setup()) ?? voter.getElection(input),
      checkEligibility: (input) => refuseUntilSetUp(setup()) ?? voter.checkEligibility(input),
      castBallot: (input) => refuseUntilSetUp(setup()) ?? voter.castBallot(input),

      ...syncHandlers,
      ...usb,
      // Once the day is closed, the stick that takes the batches also takes the sealed backup.
      exportUsb: backupAfterExport(
        {
          context,
          syncStore: sync.syncStore,
          day: () => status().day,
          resolveDrive,
        },
        usb.exportUsb,
      ),

      ...createSetupHandlers({
        context,
        dbPath: options.dbPath,
        hasMediator: () => mediator.hasAccounts(),
        http: () => sync.enrolHttp(),
        onEnrolled: () => sync.kick(),
      }),

      ...createDayHandlers({ day, dayStore, now, audit, status, currentMediator }),

      ...createMediatorHandlers({
        store,
        kioskId: identity.kioskId,
        mediator,
        accounts,
        keys,
        day,
        sessions,
        now,
        audit,
        log,
        status,
      }),
    };

    const statusReporter = new StatusReporter({
      context,
      syncStore: sync.syncStore,
      dbPath: options.dbPath,
      appVersion: options.appVersion ?? 'dev',
      dayState: () => status().day.state,
      http: () => sync.enrolHttp(),
      monotonicMs: options.monotonicMs ?? ((): number => performance.now()),
    });
    sync.uploader.afterSuccess = (serverUrl) => statusReporter.afterRound(serverUrl);

    // The first round comes on a later turn of the event loop: a `sync.configure` just after applies.
    sync.start();
    context.onClose(() => void sync.stop());
    context.onClose(() => keys.lock());

    let closed = false;
    return {
      // Mediator methods need an open session (and run as its account); setup ones, no account yet.
      handlers: withMediatorGate(
        answerDiskFull(
          journal.asAccount(handlers, () => mediator.currentId()),
          disk,
          now,
        ),
        (role) => (role === 'mediator' ? mediator.allowed() : !mediator.hasAccounts()),
      ),
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
    // A page found damaged past the open's check (reading the identity, the election, the journal).
    if (isCorruption(error)) {
      const aside = setDamagedAside(options.dbPath, error instanceof Error ? error.message : '', now());
      log('database_damaged', { keptAs: aside.keptAs });
      throw aside;
    }
    throw error;
  }
}

/** A kiosk that started, or the start error with handlers that answer it to every screen. */
export type KioskStart =
  { ok: true; kiosk: Kiosk } | { ok: false; error: KioskStartError; handlers: KioskHandlers };

/**
 * `openKiosk` for the shells: a damaged database is not a crash but a state the mediator must see, so
 * its error comes back with handlers that answer it (the renderer shows the start-failure screen).
 * Any other failure throws, as `openKiosk` does.
 */
export function startKiosk(options: KioskOptions): KioskStart {
  try {
    return { ok: true, kiosk: openKiosk(options) };
  } catch (error) {
    if (error instanceof KioskStartError) return { ok: false, error, handlers: startFailureHandlers(error) };
    throw error;
  }
}
