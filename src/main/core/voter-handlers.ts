/**
 * The voter's methods of the typed API: the election to show, the communes search, the eligibility check
 * that opens a voter session, the cast (one transaction: eligibility.ts and ballots.ts hold the rules),
 * keeping a session alive while the voter is active, and ending it. A real vote needs the election open
 * by the kiosk's clock and the counter's day open (day.ts); a training vote needs only an election, any
 * day, before, during or after the window, and is never counted.
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
  'getElection' | 'searchCommunes' | 'checkEligibility' | 'castBallot' | 'endSession' | 'touchSession'
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
  /** This kiosk's id (the receipt commitment binds the code to it). */
  kioskId: string;
  /** The hold-back inside the cast's own transaction (the outbox's `sealFull`). */
  sealIfFull: () => void;
  /** True once the election's final batch is sealed here: no more casts. */
  finalSealed: () => boolean;
  /** Called after each successful cast (the WAL scrub). */
  afterCast: () => void;
  /** Whether the disk is full, for the mediator: a refused cast sets it, the next cast clears it. */
  disk: { noteFull(at: Date): void; noteWritten(): void };
  /** The kiosk's keys: the participation key for tokens; casting needs them open. */
  keys: KeyRing;
  /** The counter's day: a refusal unless it is open (day.ts). */
  day: { voterRefusal(): Result<never> | null };
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

  /** Why a vote in this mode cannot be taken now, or null: training needs only an election. */
  const refuseNow = (
    e: ReturnType<CurrentElection['election']>,
    at: Date,
    training: boolean,
  ): Result<never> | null => {
    if (!e)
      return err('not_ready', 'Aucune consultation n’est chargée sur ce kiosque. Appelez le médiateur.');
    if (training) return null;
    return refuseUnlessOpen<never>(electionState(e, at)) ?? deps.day.voterRefusal();
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
      const isTraining = trainingOn(store);
      const closed = refuseNow(e, at, isTraining);
      if (closed || !e) return closed ?? err('not_ready', 'Aucune consultation n’est chargée.');
      const directory = deps.communes();
      if (!directory.ok) return directory;
      const participationKey = deps.keys.participationKey();
      if (!participationKey.ok) return participationKey;
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
      // The session's own mode decides (a training session casts a training ballot, and nothing else);
      // an unknown or expired session needs only the election here, and ballots.ts says what happened.
      const closed = refuseNow(e, at, sessions.trainingOf(input.sessionId) ?? true);
      if (closed || !e) return closed ?? err('not_ready', 'Aucune consultation n’est chargée.');
      // A full batch is sealed (signed) inside the cast's transaction: no cast while the keys are locked.
      if (!deps.keys.unlocked()) return err('not_ready', KEYS_LOCKED_MESSAGE);
      const cast = castBallot(
        {
          store,
          sessions,
          election: e,
          now: at,
          kioskId: deps.kioskId,
          sealReceipt: (commitment) => deps.keys.sealReceiptLink(commitment),
          log,
          sealIfFull: deps.sealIfFull,
          finalSealed: deps.finalSealed,
          onDiskFull: () => deps.disk.noteFull(at),
        },
        input,
      );
      if (cast.ok) {
        deps.disk.noteWritten();
        deps.afterCast();
      }
      return cast;
    },

    endSession: ({ sessionId }) => {
      sessions.end(sessionId);
      return ok({});
    },

    touchSession: ({ sessionId }) =>
      sessions.touch(sessionId, now())
        ? ok({})
        : err(
            'session_expired',
            'Votre session n’est plus valable. Recommencez depuis le début, s’il vous plaît.',
          ),
  };
}
