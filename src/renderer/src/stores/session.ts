/**
 * The voter's session: which screen is shown, the election being voted on, the session
 * the core opened after the eligibility check, the per-voter project order, the cast and its receipt.
 * Every action goes through the injected `KioskApi`, so tests can run the store against a real core.
 * `endVoter` wipes this voter from memory: session, choices, display settings (the other stores'
 * `reset` is passed in as `onVoterEnd`).
 */
import { create } from 'zustand';
import type {
  EligibilityInput,
  ElectionView,
  KioskApi,
  KioskStatus,
  Receipt,
  VoterSession,
} from '../../../shared/api';
import type { AppError } from '../../../shared/result';
import { canVote, voterEntry } from '../lib/day';
import { throttle } from '../lib/longPress';
import { cryptoRandom, shuffled } from '../lib/projects';

/** The voter's activity tells the core at most this often that the session is still in use. */
export const TOUCH_EVERY_MS = 60_000;

export type Screen = 'welcome' | 'eligibility' | 'browse' | 'review' | 'thanks';

export interface SessionState {
  screen: Screen;
  /** Project shown in the detail view over the grid, if any. */
  detailId: string | null;
  status: KioskStatus | null;
  election: ElectionView | null;
  loadError: AppError | null;
  voter: VoterSession | null;
  /** Project ids in this voter's shuffled order. */
  order: string[];
  checking: boolean;
  refusal: AppError | null;
  casting: boolean;
  castError: AppError | null;
  receipt: Receipt | null;
  load: () => Promise<void>;
  start: () => void;
  checkEligibility: (input: EligibilityInput) => Promise<boolean>;
  clearRefusal: () => void;
  openDetail: (projectId: string) => void;
  closeDetail: () => void;
  goTo: (screen: 'browse' | 'review') => void;
  cast: (choices: readonly string[]) => Promise<void>;
  endVoter: () => Promise<void>;
  /** The voter is active: keeps the core's session alive (throttled to one call a minute). */
  touch: () => void;
  /** The core already ended the session (the escape hatch): forget the voter here, call nothing. */
  dropVoter: () => Promise<void>;
}

export interface SessionDeps {
  api: KioskApi;
  onVoterEnd: () => void;
  random?: () => number;
  now?: () => number;
}

const voterBlank = {
  screen: 'welcome' as Screen,
  detailId: null,
  voter: null,
  order: [] as string[],
  checking: false,
  refusal: null,
  casting: false,
  castError: null,
  receipt: null,
};

export const createSessionStore = ({ api, onVoterEnd, random = cryptoRandom, now = Date.now }: SessionDeps) =>
  create<SessionState>()((set, get) => {
    const touchCore = throttle(
      TOUCH_EVERY_MS,
      () => {
        const sessionId = get().voter?.sessionId;
        if (sessionId) void api.touchSession({ sessionId });
      },
      now,
    );
    return {
      ...voterBlank,
      status: null,
      election: null,
      loadError: null,

      load: async () => {
        const status = await api.getStatus({});
        if (!status.ok) {
          set({ loadError: status.error });
          return;
        }
        set({ status: status.value, loadError: null });
        if (status.value.state === 'no_election' || status.value.election === null) return;
        const election = await api.getElection({});
        if (!election.ok) set({ loadError: election.error });
        else set({ election: election.value });
      },

      start: () => {
        if (get().election === null || !canVote(voterEntry(get().status))) return;
        set({ ...voterBlank, screen: 'eligibility' });
      },

      checkEligibility: async (input) => {
        if (get().checking) return false;
        set({ checking: true, refusal: null });
        const result = await api.checkEligibility(input);
        if (!result.ok) {
          set({ checking: false, refusal: result.error });
          return false;
        }
        const projects = get().election?.election.projects ?? [];
        set({
          checking: false,
          voter: result.value,
          order: shuffled(
            projects.map((p) => p.id),
            random,
          ),
          screen: 'browse',
          detailId: null,
        });
        return true;
      },

      clearRefusal: () => set({ refusal: null }),
      openDetail: (projectId) => set({ detailId: projectId }),
      closeDetail: () => set({ detailId: null }),
      goTo: (screen) => set({ screen, detailId: null, castError: null }),

      cast: async (choices) => {
        const { voter, casting, receipt } = get();
        // One cast per session: a second tap while the first is in flight, or after it, does nothing.
        if (voter === null || casting || receipt !== null) return;
        set({ casting: true, castError: null });
        const result = await api.castBallot({ sessionId: voter.sessionId, choices: [...choices] });
        if (result.ok) set({ casting: false, receipt: result.value, screen: 'thanks' });
        else set({ casting: false, castError: result.error });
      },

      endVoter: async () => {
        const sessionId = get().voter?.sessionId;
        set({ ...voterBlank });
        onVoterEnd();
        if (sessionId) await api.endSession({ sessionId });
        // The package may have changed state meanwhile (closing time): refresh for the next voter.
        await get().load();
      },

      touch: () => {
        if (get().voter !== null) touchCore();
      },

      dropVoter: async () => {
        set({ ...voterBlank });
        onVoterEnd();
        await get().load();
      },
    };
  });
