/**
 * The election packages the server offers at each round: a new signed version of the same election (a
 * corrected text, say) is installed through the core; another election is kept pending until a mediator
 * confirms it (and only once nothing of the current one waits to be sent); a package that does not
 * verify is refused, journaled once, and shown as a warning. Nothing here talks to the network.
 */
import { err, ok, type Result } from '../../../shared/result';
import { sha256hex } from '../../../shared/node/crypto';
import type { KioskContext } from '../context';
import { verifyElectionDocument } from '../election';
import { settingKeys } from '../store';
import { syncStateKeys, type SyncStore } from './sync-store';

/** What the sync status shows about an offered package (a refusal; the batches still went through). */
export interface PackageWarning {
  code: string;
  message: string;
}

const PACKAGE_REFUSED =
  'Le serveur propose une version de la consultation qui n’est pas signée par l’équipe centrale : elle n’a pas été installée. Les votes continuent sur la version actuelle ; prévenez l’équipe centrale.';

export class ElectionUpdates {
  /** Hash of the last election package refused, so a refusal is journaled once, not every round. */
  private refusedPackage: string | null | undefined = undefined;

  constructor(
    private readonly context: KioskContext,
    private readonly syncStore: SyncStore,
  ) {}

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
    // Same election, new signed version: installed through the core, which verifies it again and
    // reloads what the screens show.
    if (current?.payload !== fresh.document.payload) {
      const installed = this.context.installElection(fresh.document);
      if (!installed.ok) return this.packageRefused(fresh.document, installed.error.code);
    }
    return null;
  }

  /**
   * A package the kiosk will not install: journaled once per distinct package (the server offers it again
   * at every round), and returned as the warning the status shows.
   */
  private packageRefused(document: unknown, code: string): PackageWarning {
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
      this.context.audit('package_refused', { code, package: id });
      this.context.log('package_refused', { code });
    }
    return { code: 'package_refused', message: PACKAGE_REFUSED };
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
    this.context.audit('package_confirmed', {});
    return ok({ electionId: installed.value.electionId });
  }
}
