/**
 * The kiosk core's facade: `openKiosk` opens the store, the identity, the election and the communes, and
 * returns the handlers of every method of the typed API (src/shared/api.ts). The Electron shell and the
 * browser harness only forward calls to these handlers. Follow a vote from here: checkEligibility →
 * eligibility.ts, castBallot → ballots.ts (one transaction), then sync/ sends it on.
 */
import type { ElectionView, KioskHandlers, KioskStatus } from '../../shared/api';
import { err, ok, type Result } from '../../shared/result';
import type { ElectionPackage } from '../../shared/wire';
import { appendAudit, type AuditDetail, type AuditKind } from './audit';
import { castBallot } from './ballots';
import { CommuneDirectory, defaultCommunesPath } from './communes';
import {
  electionState,
  loadStoredElection,
  readElectionFile,
  refuseUnlessOpen,
  storeElection,
  verifyElectionDocument,
  type VerifiedElection,
} from './election';
import { checkEligibility } from './eligibility';
import { loadOrCreateIdentity, type KioskIdentity } from './identity';
import { guardMediatorHandlers, MediatorGuard } from './mediator';
import { DEFAULT_SESSION_TTL_MS, SessionRegistry } from './sessions';
import { KioskStore, settingKeys } from './store';
import type { SyncOptions } from './sync/engine';
import { createSyncHandlers, syncEngineOf } from './sync/handlers';

export type KioskLog = (event: string, detail?: Record<string, string | number | boolean>) => void;

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
  provision?: { authorityPublicKey: string; participationKey: string; electionFile?: string; label?: string };
  /** Never receives choices, names or tokens. */
  log?: KioskLog;
  /** Sync tunables (batch size, backoff, timeouts), in force from the upload loop's first round. */
  sync?: SyncOptions;
}

/** The mediator methods the sync module implements (src/main/core/sync/). */
export type SyncHandlers = Pick<
  KioskHandlers,
  'closeDay' | 'enrol' | 'getSyncStatus' | 'syncNow' | 'exportUsb' | 'purgeAckedBatches'
>;

/** What the sync module (and the shell) may use of an open kiosk. */
export interface KioskContext {
  store: KioskStore;
  identity: KioskIdentity;
  now: () => Date;
  log: KioskLog;
  /** The current verified election, or null. */
  election(): ElectionPackage | null;
  /**
   * Verifies a signed package `{payload, signature}` against the pinned authority key, then stores it
   * verbatim. A package of another election is refused while real ballots are stored, unless
   * `allowNewElection` (a mediator confirmed it).
   */
  installElection(document: unknown, options?: { allowNewElection?: boolean }): Result<ElectionPackage>;
  /** Appends to the hash-chained journal (never a name, token, ballot id or choice in `detail`). */
  audit(kind: AuditKind, detail?: AuditDetail): void;
  status(): KioskStatus;
  /** Registers cleanup run by `close()` before the database closes (e.g. stop the upload loop). */
  onClose(cleanup: () => void): void;
}

export interface Kiosk {
  handlers: KioskHandlers;
  store: KioskStore;
  kioskId: string;
  context: KioskContext;
  close(): void;
}

/** Thrown by `openKiosk` when the `provision` option cannot be applied (message in French). */
export class ProvisionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProvisionError';
  }
}

/** A neutral picture for a project whose image is a file name rather than an embedded data: URL. */
const PLACEHOLDER_IMAGE =
  'data:image/svg+xml;charset=utf-8,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"><rect width="4" height="3" fill="#e6e9ef"/></svg>',
  );

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

    let current: VerifiedElection | null = null;
    let view: ElectionView | null = null;
    const reloadElection = (): void => {
      current = loadStoredElection(store, store.getSetting(settingKeys.authorityPublicKey));
      view = null;
    };
    const election = (): ElectionPackage | null => current?.election ?? null;

    // The communes of the département the election package names (the sample ships département 62).
    let communes: CommuneDirectory | null = null;
    const communeDirectory = (): Result<CommuneDirectory> => {
      const department = election()?.department ?? '62';
      if (communes?.department === department) return ok(communes);
      const path = options.communesPath ?? defaultCommunesPath();
      try {
        communes = CommuneDirectory.fromFile(path, department);
      } catch {
        log('communes_missing', { path });
        return err('not_ready', 'La liste des communes manque sur ce kiosque. Appelez le médiateur.');
      }
      if (communes.size === 0) {
        log('communes_missing', { path, department });
        return err(
          'not_ready',
          'La liste des communes de ce département manque sur ce kiosque. Appelez le médiateur.',
        );
      }
      return ok(communes);
    };

    const training = (): boolean => store.getSetting(settingKeys.training) === '1';

    const status = (): KioskStatus => {
      const e = election();
      return {
        kioskId: identity.kioskId,
        label: store.getSetting(settingKeys.label),
        enrolled:
          store.getSetting(settingKeys.authorityPublicKey) !== null &&
          store.getSetting(settingKeys.participationKey) !== null,
        state: electionState(e, now()),
        training: training(),
        election: e
          ? {
              electionId: e.electionId,
              title: e.title,
              opensAt: e.opensAt,
              closesAt: e.closesAt,
              minChoices: e.minChoices,
              maxChoices: e.maxChoices,
              minAge: e.minAge,
            }
          : null,
        ballotsCast: store.countBallots(false),
      };
    };

    const installElection: KioskContext['installElection'] = (document, install = {}) => {
      const authorityKey = store.getSetting(settingKeys.authorityPublicKey);
      if (!authorityKey)
        return err(
          'not_enrolled',
          'Ce kiosque n’a pas encore la clé de l’équipe centrale. Appelez le médiateur.',
        );
      const verified = verifyElectionDocument(document, authorityKey);
      if (!verified.ok) {
        audit('package_refused', { reason: verified.error.code });
        return verified;
      }
      const stored = store.getElectionPackage();
      if (
        stored &&
        stored.electionId !== verified.value.election.electionId &&
        store.countBallots(false) > 0 &&
        !install.allowNewElection
      )
        return err(
          'package_malformed',
          'Ce kiosque garde déjà des votes d’une autre consultation. Appelez l’équipe centrale avant de changer.',
          { reason: 'other_election' },
        );
      store.transaction(() => {
        storeElection(store, verified.value);
        audit('package_loaded', { electionId: verified.value.election.electionId });
      });
      sessions.clear();
      reloadElection();
      log('package_loaded', { electionId: verified.value.election.electionId });
      return ok(verified.value.election);
    };

    if (options.provision) provision(store, options.provision, installElection, audit);
    reloadElection();
    audit('start', { kioskId: identity.kioskId });
    log('start', { kioskId: identity.kioskId, election: election()?.electionId ?? 'none' });

    const context: KioskContext = {
      store,
      identity,
      now,
      log,
      election,
      installElection,
      audit,
      status,
      onClose: (cleanup) => cleanups.push(cleanup),
    };

    const refuse = <T>(result: Result<T>): Result<T> => {
      if (!result.ok) {
        audit('eligibility_refused', { reason: result.error.code });
        log('eligibility_refused', { reason: result.error.code });
      }
      return result;
    };

    // Right after a cast, once the voter has their receipt: the WAL still holds that commit, one ballot
    // beside one participation; truncating it leaves only the sorted open sets (docs/secrecy.md).
    let scrubScheduled = false;
    const scrubJournal = (): void => {
      scrubScheduled = false;
      if (!store.db.open) return;
      try {
        if (!store.scrubJournal()) log('journal_scrub_busy');
      } catch (cause) {
        log('journal_scrub_failed', { error: cause instanceof Error ? cause.name : 'unknown' });
      }
    };
    const scrubSoon = (): void => {
      if (scrubScheduled) return;
      scrubScheduled = true;
      setImmediate(scrubJournal);
    };

    const mediator = new MediatorGuard({
      store,
      audit,
      now,
      monotonicMs: options.monotonicMs ?? ((): number => performance.now()),
    });

    const handlers: KioskHandlers = {
      getStatus: () => ok(status()),

      getElection: () => {
        const e = election();
        if (!e)
          return err('not_ready', 'Aucune consultation n’est chargée sur ce kiosque. Appelez le médiateur.');
        view ??= {
          election: e,
          imageUrls: Object.fromEntries(
            e.projects.map((p) => [p.id, p.image.startsWith('data:image/') ? p.image : PLACEHOLDER_IMAGE]),
          ),
        };
        return ok(view);
      },

      searchCommunes: ({ query, limit }) => {
        const directory = communeDirectory();
        if (!directory.ok) return directory;
        const territories = election()?.communeTerritories;
        return ok(directory.value.search(query, limit, (code) => territories?.[code] ?? null));
      },

      checkEligibility: (input) => {
        const at = now();
        const e = election();
        const closed = refuseUnlessOpen<never>(electionState(e, at));
        if (closed || !e) return closed ?? err('not_ready', 'Aucune consultation n’est chargée.');
        const directory = communeDirectory();
        if (!directory.ok) return directory;
        const isTraining = training();
        const eligible = checkEligibility(
          {
            store,
            communes: directory.value,
            election: e,
            participationKey: store.getSetting(settingKeys.participationKey),
            training: isTraining,
            now: at,
          },
          input,
        );
        if (!eligible.ok) return refuse(eligible);
        const sessionId = sessions.open(at, {
          electionId: e.electionId,
          token: eligible.value.token,
          communeCode: eligible.value.communeCode,
          ageBracket: eligible.value.ageBracket,
          assisted: input.assisted,
          training: isTraining,
        });
        return ok({
          sessionId,
          ageBracket: eligible.value.ageBracket,
          territoryId: eligible.value.territoryId,
        });
      },

      castBallot: (input) => {
        const at = now();
        const e = election();
        const closed = refuseUnlessOpen<never>(electionState(e, at));
        if (closed || !e) return closed ?? err('not_ready', 'Aucune consultation n’est chargée.');
        const cast = castBallot(
          { store, sessions, election: e, now: at, log, sealIfFull: () => syncEngineOf(context)?.sealFull() },
          input,
        );
        if (cast.ok) scrubSoon();
        return cast;
      },

      endSession: ({ sessionId }) => {
        sessions.end(sessionId);
        return ok({});
      },

      setTraining: ({ training: on }) => {
        if (on !== training()) {
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

      // Mediator sync methods and the background upload loop (stopped by close()).
      ...createSyncHandlers(context, options.sync),

      confirmElection: () =>
        syncEngineOf(context)?.confirmPendingElection() ??
        err('not_ready', 'Aucune nouvelle consultation en attente.'),

      mediatorStatus: () => ok(mediator.status()),
      setMediatorPin: ({ pin, currentPin }) => mediator.setPin(pin, currentPin),
      unlockMediator: ({ pin }) => mediator.unlock(pin),
      lockMediator: () => mediator.lock(),
    };

    let closed = false;
    return {
      // Once a mediator PIN is set, the mediator methods need an unlocked session (one place, here).
      handlers: guardMediatorHandlers(handlers, mediator),
      store,
      kioskId: identity.kioskId,
      context,
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

/** Stores the keys handed over at set-up, then loads the signed election file if one is given. */
function provision(
  store: KioskStore,
  given: NonNullable<KioskOptions['provision']>,
  installElection: KioskContext['installElection'],
  audit: KioskContext['audit'],
): void {
  const changed =
    store.getSetting(settingKeys.authorityPublicKey) !== given.authorityPublicKey ||
    store.getSetting(settingKeys.participationKey) !== given.participationKey;
  store.transaction(() => {
    store.setSetting(settingKeys.authorityPublicKey, given.authorityPublicKey);
    store.setSetting(settingKeys.participationKey, given.participationKey);
    if (given.label !== undefined) store.setSetting(settingKeys.label, given.label);
    if (changed) audit('keys_provisioned', {});
  });
  if (!given.electionFile) return;
  const file = readElectionFile(given.electionFile, given.authorityPublicKey);
  if (!file.ok) {
    audit('package_refused', { reason: file.error.code });
    throw new ProvisionError(file.error.code, file.error.message);
  }
  const stored = store.getElectionPackage();
  if (
    stored &&
    stored.payload === file.value.document.payload &&
    stored.signature === file.value.document.signature
  )
    return; // the same file at every start: nothing to do, nothing to journal
  const installed = installElection(file.value.document);
  if (!installed.ok) throw new ProvisionError(installed.error.code, installed.error.message);
}
