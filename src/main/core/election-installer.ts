/**
 * The kiosk's current election: loaded from the store at start, replaced only through `install`, which
 * verifies a signed package against the pinned authority key, refuses another election while real
 * ballots are stored (unless a mediator confirmed it), stores it verbatim and journals it in one
 * transaction, and ends every voter session (a session opened on one package must not cast on another).
 */
import type { ElectionView } from '../../shared/api';
import { err, ok } from '../../shared/result';
import type { ElectionPackage } from '../../shared/wire';
import type { Audit, InstallElection, KioskLog } from './context';
import { loadStoredElection, storeElection, verifyElectionDocument, type VerifiedElection } from './election';
import type { SessionRegistry } from './sessions';
import { settingKeys, type KioskStore } from './store';

/** A neutral picture for a project whose image is a file name rather than an embedded data: URL. */
const PLACEHOLDER_IMAGE =
  'data:image/svg+xml;charset=utf-8,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"><rect width="4" height="3" fill="#e6e9ef"/></svg>',
  );

export interface CurrentElectionDeps {
  store: KioskStore;
  sessions: SessionRegistry;
  audit: Audit;
  log: KioskLog;
}

export class CurrentElection {
  private current: VerifiedElection | null = null;
  private view: ElectionView | null = null;

  constructor(private readonly deps: CurrentElectionDeps) {}

  /** Reads the stored package (at start, once provisioned, and after each install). */
  reload(): void {
    const { store } = this.deps;
    this.current = loadStoredElection(store, store.getSetting(settingKeys.authorityPublicKey));
    this.view = null;
  }

  election(): ElectionPackage | null {
    return this.current?.election ?? null;
  }

  /** What the screens show: the package and an image URL per project (computed once per package). */
  electionView(): ElectionView | null {
    const e = this.election();
    if (!e) return null;
    this.view ??= {
      election: e,
      imageUrls: Object.fromEntries(
        e.projects.map((p) => [p.id, p.image.startsWith('data:image/') ? p.image : PLACEHOLDER_IMAGE]),
      ),
    };
    return this.view;
  }

  readonly install: InstallElection = (document, install = {}) => {
    const { store, audit, sessions, log } = this.deps;
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
    this.reload();
    log('package_loaded', { electionId: verified.value.election.electionId });
    return ok(verified.value.election);
  };
}
