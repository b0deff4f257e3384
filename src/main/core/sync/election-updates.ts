/**
 * The election packages the server offers at each round. A new signed version of the same election is a
 * correction (election-corrections.ts): a lower or equal revision is ignored, one that changes more than
 * texts and images once a ballot may exist is refused, and an allowed one is kept pending until a mediator
 * applies it. Another election is kept pending until a mediator confirms it (and only once nothing of the
 * current one waits to be sent). A package that does not verify, or a refused correction, is journaled
 * once and shown as a warning. Nothing here talks to the network.
 */
import { err, ok, type Result } from '../../../shared/result';
import { sha256hex } from '../../../shared/node/crypto';
import type { KioskContext } from '../context';
import { verifyElectionDocument } from '../election';
import { settingKeys } from '../store';
import { ElectionCorrections } from './election-corrections';
import { syncStateKeys, type SyncStore } from './sync-store';

/** What the sync status shows about an offered package (a refusal; the batches still went through). */
export interface PackageWarning {
  code: string;
  message: string;
}

const PACKAGE_REFUSED: PackageWarning = {
  code: 'package_refused',
  message:
    'Le serveur propose une version de la consultation qui n’est pas signée par l’équipe centrale : elle n’a pas été installée. Les votes continuent sur la version actuelle ; prévenez l’équipe centrale.',
};
const CORRECTION_REFUSED: PackageWarning = {
  code: 'correction_refused',
  message:
    'Le serveur propose une correction de la consultation qui change plus que des textes ou des images alors que des votes peuvent déjà exister : elle n’a pas été installée. Les votes continuent sur la version actuelle ; prévenez l’équipe centrale.',
};

export class ElectionUpdates {
  /** Hash of the last election package refused, so a refusal is journaled once, not every round. */
  private refusedPackage: string | null | undefined = undefined;
  readonly corrections: ElectionCorrections;

  constructor(
    private readonly context: KioskContext,
    private readonly syncStore: SyncStore,
  ) {
    this.corrections = new ElectionCorrections(context, syncStore);
  }

  /** The server offered `document` (its body, unverified): apply it, keep it pending, or refuse it. */
  offered(document: unknown, authorityKey: string): PackageWarning | null {
    const { store } = this.context;
    const verified = verifyElectionDocument(document, authorityKey);
    if (!verified.ok) return this.packageRefused(document, verified.error.code);
    const current = store.getElectionPackage();
    const fresh = verified.value;
    if (current && current.electionId !== fresh.election.electionId) {
      if (this.syncStore.getState(syncStateKeys.pendingElectionPayload) !== fresh.document.payload) {
        this.syncStore.transaction(() => {
          this.syncStore.setState(syncStateKeys.pendingElectionId, fresh.election.electionId);
          this.syncStore.setState(syncStateKeys.pendingElectionPayload, fresh.document.payload);
          this.syncStore.setState(syncStateKeys.pendingElectionSignature, fresh.document.signature);
        });
        this.context.audit('package_pending', {});
      }
      return null;
    }
    if (current?.payload === fresh.document.payload) return null;
    const election = this.context.election();
    if (current && election) {
      const outcome = this.corrections.offered(election, fresh);
      if (outcome.kind !== 'forbidden') return null;
      return this.packageRefused(fresh.document, 'correction_forbidden', CORRECTION_REFUSED, {
        forbidden: outcome.forbidden,
      });
    }
    // No usable election yet: the offered one is installed through the core, which verifies it again.
    const installed = this.context.installElection(fresh.document);
    if (!installed.ok) return this.packageRefused(fresh.document, installed.error.code);
    return null;
  }

  /**
   * A package the kiosk will not install: journaled once per distinct package (the server offers it again
   * at every round), and returned as the warning the status shows.
   */
  private packageRefused(
    document: unknown,
    code: string,
    warning = PACKAGE_REFUSED,
    detail: Record<string, string> = {},
  ): PackageWarning {
    const id = sha256hex(JSON.stringify(document ?? null)).slice(0, 16);
    // Across a restart, the journal remembers the last package refused.
    this.refusedPackage ??=
      this.context.store
        .listAuditEvents()
        .filter((e) => e.kind === 'package_refused')
        .map((e) => (JSON.parse(e.detail) as { package?: string }).package ?? null)
        .at(-1) ?? null;
    if (this.refusedPackage !== id) {
      this.refusedPackage = id;
      this.context.audit('package_refused', { code, package: id, ...detail });
      this.context.log('package_refused', { code });
    }
    return warning;
  }

  /** A mediator confirmed the pending (new) election: apply it if it still verifies. */
  confirmPending(): Result<{ electionId: string }> {
    const payload = this.syncStore.getState(syncStateKeys.pendingElectionPayload);
    const signature = this.syncStore.getState(syncStateKeys.pendingElectionSignature);
    const key = this.context.store.getSetting(settingKeys.authorityPublicKey);
    if (!payload || !signature || !key) return err('not_ready', 'Aucune nouvelle consultation en attente.');
    // Batches still waiting are signed for the current election: they must reach the server first.
    if (this.syncStore.countWaiting() > 0 || this.syncStore.countOutbox().ballots > 0)
      return err(
        'sync_blocked',
        'Des votes de la consultation en cours ne sont pas encore envoyés : clôturez la journée et synchronisez avant de changer de consultation.',
      );
    const installed = this.context.installElection({ payload, signature }, { allowNewElection: true });
    if (!installed.ok) return installed;
    this.syncStore.transaction(() => {
      this.syncStore.setState(syncStateKeys.pendingElectionId, null);
      this.syncStore.setState(syncStateKeys.pendingElectionPayload, null);
      this.syncStore.setState(syncStateKeys.pendingElectionSignature, null);
    });
    // A correction of the election just replaced can never apply.
    this.corrections.clear();
    this.context.audit('package_confirmed', {});
    return ok({ electionId: installed.value.electionId });
  }
}
