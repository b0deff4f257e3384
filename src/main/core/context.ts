/**
 * What the parts of an open kiosk share (the facade, the sync modules, enrolment, provisioning): the
 * store, the identity, the clock, the log, the current election and the journal. It sits below all of
 * them and imports none of them, so the kiosk core has no import cycle.
 */
import type { KioskStatus } from '../../shared/api';
import type { Result } from '../../shared/result';
import type { ElectionPackage } from '../../shared/wire';
import type { AuditDetail, AuditKind } from './audit';
import type { KioskIdentity } from './identity';
import type { KeyRing } from './keys';
import type { KioskStore } from './store';

export type KioskLog = (event: string, detail?: Record<string, string | number | boolean>) => void;

export interface InstallOptions {
  /** A mediator confirmed replacing an election whose real ballots are stored. */
  allowNewElection?: boolean;
}

/**
 * Verifies a signed package `{payload, signature}` against the pinned authority key, then stores it
 * verbatim. A package of another election is refused while real ballots are stored, unless
 * `allowNewElection`.
 */
export type InstallElection = (document: unknown, options?: InstallOptions) => Result<ElectionPackage>;

/** Appends to the hash-chained journal (never a name, token, ballot id or choice in `detail`). */
export type Audit = (kind: AuditKind, detail?: AuditDetail) => void;

/** What the sync modules (and the shell) may use of an open kiosk. */
export interface KioskContext {
  store: KioskStore;
  identity: KioskIdentity;
  /** The kiosk's secret keys (keys.ts): locked until a mediator unlocks them. */
  keys: KeyRing;
  now: () => Date;
  log: KioskLog;
  /** The current verified election, or null. */
  election(): ElectionPackage | null;
  installElection: InstallElection;
  audit: Audit;
  status(): KioskStatus;
  /** Registers cleanup run by `close()`, last registered first, before the database closes. */
  onClose(cleanup: () => void): void;
}
