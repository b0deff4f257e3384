/**
 * The voter's methods of the typed API: the election to show, the communes search, the eligibility check
 * that opens a voter session, the cast (one transaction: eligibility.ts and ballots.ts hold the rules),
 * and ending a session. Each refuses outside the election window by the kiosk's clock.
 */
import type { KioskHandlers } from '../../shared/api';
import { err, ok, type Result } from '../../shared/result';
import { castBallot } from './ballots';
import type { CommuneDirectory } from './communes';
import type { Audit, KioskLog } from './context';
import { electionState, refuseUnlessOpen } from './election';
import type { CurrentElection } from './election-installer';
import { checkEligibility } from './eligibility';
import type { SessionRegistry } from './sessions';
import { trainingOn } from './status';
import { KEYS_LOCKED_MESSAGE, type KeyRing } from './keys';
import type { KioskStore } from './store';

export type VoterHandlers = Pick<
  KioskHandlers,
  'getElection' | 'searchCommunes' | 'checkEligibility' | 'castBallot' | 'endSession'
>;

export interface VoterDeps {
  store: KioskStore;
  sessions: SessionRegistry;
  current: CurrentElection;
  /** The communes of the current election's département (a `not_ready` refusal when missing). */
  communes: () => Result<CommuneDirectory>;
  now: () => Date;
  log: KioskLog;
  audit: Audit;
  /** Seals a full batch inside the cast's own transaction (the outbox's `sealFull`). */
  sealIfFull: () => void;
  /** Called after each successful cast (the WAL scrub). */
  afterCast: () => void;
  /** The kiosk's keys: the participation key for tokens; casting needs them open. */
  keys: KeyRing;
}

export function createVoterHandlers(deps: VoterDeps): VoterHandlers {
  const { store, sessions, current, now, log, audit } = deps;

  const refuse = <T>(result: Result<T>): Result<T> => {
    if (!result.ok) {
      audit('eligibility_refused', { reason: result.error.code });
      log('eligibility_refused', { reason: result.error.code });
    }
    return result;
  };

  return {
    getElection: () => {
      const view = current.electionView();
      return view
        ? ok(view)
        : err('not_ready', 'Aucune consultation n’est chargée sur ce kiosque. Appelez le médiateur.');
    },

    searchCommunes: ({ query, limit }) => {
      const directory = deps.communes();
      if (!directory.ok) return directory;
      const territories = current.election()?.communeTerritories;
      return ok(directory.value.search(query, limit, (code) => territories?.[code] ?? null));
    },

    checkEligibility: async (input) => {
      const at = now();
      const e = current.election();
      const closed = refuseUnlessOpen<never>(electionState(e, at));
      if (closed || !e) return closed ?? err('not_ready', 'Aucune consultation n’est chargée.');
      const directory = deps.communes();
      if (!directory.ok) return directory;
      const participationKey = deps.keys.participationKey();
      if (!participationKey.ok) return participationKey;
      const isTraining = trainingOn(store);
      const eligible = await checkEligibility(
        {
          store,
          communes: directory.value,
          election: e,
          participationKey: participationKey.value,
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
      const e = current.election();
      const closed = refuseUnlessOpen<never>(electionState(e, at));
      if (closed || !e) return closed ?? err('not_ready', 'Aucune consultation n’est chargée.');
      // A full batch is sealed (signed) inside the cast's transaction: no cast while the keys are locked.
      if (!deps.keys.unlocked()) return err('not_ready', KEYS_LOCKED_MESSAGE);
      const cast = castBallot(
        { store, sessions, election: e, now: at, log, sealIfFull: deps.sealIfFull },
        input,
      );
      if (cast.ok) deps.afterCast();
      return cast;
    },

    endSession: ({ sessionId }) => {
      sessions.end(sessionId);
      return ok({});
    },
  };
}
