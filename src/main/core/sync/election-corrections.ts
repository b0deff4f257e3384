/**
 * Corrections of the current election: a new signed version under the same `electionId` with a higher
 * revision. An offered correction is checked with `allowedRevision` (only texts and images may change
 * once a ballot may exist), then kept pending in the sync state until a mediator reads what it changes
 * and applies it. A lower or equal revision is ignored; a forbidden change is refused by the caller.
 */
import type { CorrectionChange, PendingCorrection } from '../../../shared/api';
import { allowedRevision, revisionOf, type RevisionChange } from '../../../shared/package-revision';
import { err, ok, type Result } from '../../../shared/result';
import type { ElectionPackage } from '../../../shared/wire';
import type { KioskContext } from '../context';
import { electionState, verifyElectionDocument, type VerifiedElection } from '../election';
import { settingKeys } from '../store';
import { syncStateKeys, type SyncStore } from './sync-store';

/** What to do with an offered package of the current election. */
export type CorrectionOutcome =
  { kind: 'ignored' } | { kind: 'pending' } | { kind: 'forbidden'; forbidden: string };

const NO_CORRECTION = 'Aucune correction de la consultation n’est en attente.';

export class ElectionCorrections {
  constructor(
    private readonly context: KioskContext,
    private readonly syncStore: SyncStore,
  ) {}

  /**
   * A ballot may exist under the current package once this kiosk stored a real ballot (sealed or not) or
   * the election has opened by its clock: other kiosks may then hold ballots not yet sent.
   */
  ballotsMayExist(current: ElectionPackage): boolean {
    return (
      this.context.store.countBallots(false) > 0 || electionState(current, this.context.now()) !== 'not_open'
    );
  }

  /** `fresh` (verified, same election as `current`) was offered: ignore it, keep it pending, or refuse it. */
  offered(current: ElectionPackage, fresh: VerifiedElection): CorrectionOutcome {
    if (revisionOf(fresh.election) <= revisionOf(current)) return { kind: 'ignored' };
    const allowed = allowedRevision(current, fresh.election, {
      ballotsMayExist: this.ballotsMayExist(current),
    });
    if (!allowed.ok) {
      // Allowed when it arrived (before the opening), forbidden now: it can never apply.
      if (this.syncStore.getState(syncStateKeys.pendingCorrectionPayload) === fresh.document.payload) {
        this.clear();
        this.context.audit('correction_refused', { reason: 'correction_forbidden' });
      }
      return { kind: 'forbidden', forbidden: String(allowed.error.details?.['forbidden']) };
    }
    if (this.syncStore.getState(syncStateKeys.pendingCorrectionPayload) !== fresh.document.payload) {
      this.syncStore.transaction(() => {
        this.syncStore.setState(syncStateKeys.pendingCorrectionPayload, fresh.document.payload);
        this.syncStore.setState(syncStateKeys.pendingCorrectionSignature, fresh.document.signature);
        this.syncStore.setState(syncStateKeys.pendingCorrectionRevision, String(allowed.value.toRevision));
      });
      this.context.audit('correction_pending', {
        fromRevision: allowed.value.fromRevision,
        toRevision: allowed.value.toRevision,
      });
    }
    return { kind: 'pending' };
  }

  /** The pending correction as the mediator reads it, or null when none waits (or it no longer applies). */
  summary(): PendingCorrection | null {
    const checked = this.check();
    return checked.ok ? checked.value.summary : null;
  }

  /**
   * The revision waiting, for the sync status (polled: read from the sync state, not verified again), or
   * null once the current package has caught up with it.
   */
  pendingRevision(): number | null {
    const stored = Number(this.syncStore.getState(syncStateKeys.pendingCorrectionRevision));
    const current = this.context.election();
    return current && stored > revisionOf(current) ? stored : null;
  }

  /**
   * A mediator applies the pending correction: verified and checked again (a ballot may have been cast
   * since it arrived), then installed through the core. A correction that no longer applies is dropped.
   */
  apply(): Result<{ electionId: string; revision: number }> {
    const checked = this.check();
    if (!checked.ok) {
      // Refused or overtaken (another package installed since): it will never apply, so it goes.
      if (this.syncStore.getState(syncStateKeys.pendingCorrectionPayload) !== null) {
        this.clear();
        this.context.audit('correction_refused', { reason: checked.error.code });
      }
      return checked;
    }
    const installed = this.context.installElection(checked.value.document);
    if (!installed.ok) return installed;
    this.clear();
    const { fromRevision, toRevision } = checked.value.summary;
    this.context.audit('correction_applied', { fromRevision, toRevision });
    return ok({ electionId: installed.value.electionId, revision: toRevision });
  }

  /** Forgets the pending correction (applied, refused, or its election replaced). */
  clear(): void {
    this.syncStore.transaction(() => {
      this.syncStore.setState(syncStateKeys.pendingCorrectionPayload, null);
      this.syncStore.setState(syncStateKeys.pendingCorrectionSignature, null);
      this.syncStore.setState(syncStateKeys.pendingCorrectionRevision, null);
    });
  }

  /** The pending document, verified against the pinned key and checked against the current package. */
  private check(): Result<{ document: VerifiedElection['document']; summary: PendingCorrection }> {
    const payload = this.syncStore.getState(syncStateKeys.pendingCorrectionPayload);
    const signature = this.syncStore.getState(syncStateKeys.pendingCorrectionSignature);
    const key = this.context.store.getSetting(settingKeys.authorityPublicKey);
    const current = this.context.election();
    if (!payload || !signature || !key || !current) return err('not_ready', NO_CORRECTION);
    const verified = verifyElectionDocument({ payload, signature }, key);
    if (!verified.ok) return verified;
    const next = verified.value.election;
    if (next.electionId !== current.electionId || revisionOf(next) <= revisionOf(current))
      return err('not_ready', NO_CORRECTION);
    const allowed = allowedRevision(current, next, { ballotsMayExist: this.ballotsMayExist(current) });
    if (!allowed.ok) return err('correction_refused', allowed.error.message);
    return ok({
      document: verified.value.document,
      summary: {
        electionId: current.electionId,
        fromRevision: allowed.value.fromRevision,
        toRevision: allowed.value.toRevision,
        changes: allowed.value.changes.map((c) => describeChange(c, current)),
      },
    });
  }
}

/** One change in words a screen can show: which project (by its title before), which field. */
function describeChange(change: RevisionChange, current: ElectionPackage): CorrectionChange {
  const kind = change.kind === 'forbidden' ? 'rule' : change.kind;
  const project = /^projects\[(.+)\]\.(.+)$/.exec(change.path);
  if (!project) return { projectId: null, projectTitle: null, field: change.path, kind };
  const [, projectId = '', field = ''] = project;
  const title = current.projects.find((p) => p.id === projectId)?.title ?? null;
  return { projectId, projectTitle: title, field, kind };
}
