/**
 * The mediator's space on the kiosk: which view shows (closed, the login by account, the space and its
 * pages), the kiosk, sync and account status it displays, the report being looked at, and every
 * mediator action (the day, incidents, training, sync, USB export to a picked drive, accounts, own PIN).
 * The core decides who may act; this store only follows it: an `unauthorized` answer (session expired)
 * brings the login back. Opened by the escape hatch during a voter's session, a successful login ends
 * that session in the core before the space shows.
 */
import { create } from 'zustand';
import type {
  KioskApi,
  KioskOutput,
  KioskStatus,
  MediatorStatus,
  PendingCorrection,
  RemovableDrive,
  SignedReport,
  SyncStatus,
} from '../../../shared/api';
import type { AppError, Result } from '../../../shared/result';

export type MediatorView = 'closed' | 'login' | 'recovery' | 'space';
export type MediatorPage = 'home' | 'accounts' | 'pin' | 'reports' | 'usb';
export type MediatorAction =
  | 'login'
  | 'training'
  | 'sync'
  | 'day'
  | 'incident'
  | 'usb'
  | 'drives'
  | 'election'
  | 'correction'
  | 'accounts'
  | 'pin'
  | 'reports'
  | 'recovery';

/** A success worth saying once, by key (mediator.done.*). */
export type MediatorNotice =
  'pinChanged' | 'accountAdded' | 'accountRemoved' | 'incidentNoted' | 'paused' | 'resumed';

export interface MediatorState {
  view: MediatorView;
  page: MediatorPage;
  /** The login came from the escape hatch: a voter's session is open behind it. */
  fromHatch: boolean;
  accounts: MediatorStatus | null;
  kiosk: KioskStatus | null;
  sync: SyncStatus | null;
  /** The correction of the election waiting for a mediator (read when the sync status says one waits). */
  correction: PendingCorrection | null;
  /** The revision of the correction just applied, said once beside the election. */
  correctionApplied: number | null;
  /** The last refusal or failure, shown beside the action that caused it. */
  error: AppError | null;
  errorAt: MediatorAction | null;
  notice: MediatorNotice | null;
  busy: boolean;
  /** The signed report shown full page (after opening or closing the day, or picked from the list). */
  report: SignedReport | null;
  reports: SignedReport[] | null;
  drives: RemovableDrive[] | null;
  exporting: boolean;
  exported: KioskOutput<'exportUsb'> | null;
  open: (options?: { fromHatch?: boolean }) => Promise<void>;
  unlock: (accountId: string, pin: string) => Promise<boolean>;
  cancel: () => void;
  goTo: (page: MediatorPage) => void;
  refresh: () => Promise<void>;
  setTraining: (on: boolean) => Promise<void>;
  syncNow: () => Promise<void>;
  openDay: () => Promise<boolean>;
  pauseDay: (reopensAt?: string) => Promise<boolean>;
  resumeDay: () => Promise<boolean>;
  closeDay: (input: { note?: string; reopensAt?: string }) => Promise<boolean>;
  addIncident: (text: string) => Promise<boolean>;
  loadReports: () => Promise<void>;
  showReport: (report: SignedReport | null) => void;
  listDrives: () => Promise<void>;
  exportUsb: (driveId: string) => Promise<void>;
  confirmElection: () => Promise<void>;
  applyCorrection: () => Promise<void>;
  addMediator: (name: string, pin: string) => Promise<boolean>;
  removeMediator: (accountId: string) => Promise<boolean>;
  changePin: (currentPin: string, pin: string) => Promise<boolean>;
  /** The central team's signed reset, online or from a stick: every account replaced by a new one. */
  recover: (input: {
    source: 'online' | 'usb';
    driveId?: string;
    name: string;
    pin: string;
  }) => Promise<boolean>;
  showRecovery: (shown: boolean) => void;
  clearError: () => void;
  close: () => Promise<void>;
}

export interface MediatorDeps {
  api: KioskApi;
  /** Called when the kiosk's state may have changed (training, the day, election), so the voter screens reload. */
  onKioskChanged: () => void;
  /** Called once the core ended the voter's session behind the escape hatch: forget it on screen too. */
  onVoterEnded: () => void;
}

const blank = {
  view: 'closed' as MediatorView,
  page: 'home' as MediatorPage,
  fromHatch: false,
  accounts: null,
  kiosk: null,
  sync: null,
  correction: null,
  correctionApplied: null,
  error: null,
  errorAt: null,
  notice: null,
  busy: false,
  report: null,
  reports: null,
  drives: null,
  exporting: false,
  exported: null,
};

export const createMediatorStore = ({ api, onKioskChanged, onVoterEnded }: MediatorDeps) =>
  create<MediatorState>()((set, get) => {
    /** Runs one mediator action; a refusal for lack of session sends the mediator back to the login. */
    const act = async <T>(at: MediatorAction, call: () => Promise<Result<T>>): Promise<T | null> => {
      set({ busy: true, error: null, errorAt: null, notice: null });
      const result = await call();
      set({ busy: false });
      if (result.ok) return result.value;
      if (result.error.code === 'unauthorized') {
        const accounts = await api.mediatorStatus({});
        set({
          view: 'login',
          accounts: accounts.ok ? accounts.value : get().accounts,
          error: result.error,
          errorAt: 'login',
          report: null,
        });
      } else set({ error: result.error, errorAt: at });
      return null;
    };

    return {
      ...blank,

      open: async (options) => {
        const fromHatch = options?.fromHatch ?? false;
        const accounts = await api.mediatorStatus({});
        if (!accounts.ok) {
          set({ ...blank, view: 'login', fromHatch, error: accounts.error, errorAt: 'login' });
          return;
        }
        // A voter's session behind the hatch is ended only by a fresh login, never by a session left open.
        const unlocked = accounts.value.current !== null && !fromHatch;
        set({ ...blank, fromHatch, accounts: accounts.value, view: unlocked ? 'space' : 'login' });
        if (unlocked) await get().refresh();
      },

      unlock: async (accountId, pin) => {
        if (get().busy) return false;
        set({ busy: true, error: null, errorAt: null });
        const result = await api.unlockMediator({ accountId, pin });
        if (!result.ok) {
          const accounts = await api.mediatorStatus({});
          set({
            busy: false,
            error: result.error,
            errorAt: 'login',
            accounts: accounts.ok ? accounts.value : get().accounts,
          });
          return false;
        }
        if (get().fromHatch) {
          await api.endVoterSession({});
          onVoterEnded();
        }
        set({ busy: false, accounts: result.value, view: 'space', page: 'home', fromHatch: false });
        await get().refresh();
        return true;
      },

      cancel: () => set({ ...blank }),

      goTo: (page) => set({ page, error: null, errorAt: null, notice: null, exported: null }),

      refresh: async () => {
        const [kiosk, sync, accounts] = await Promise.all([
          api.getStatus({}),
          api.getSyncStatus({}),
          api.mediatorStatus({}),
        ]);
        if (accounts.ok && accounts.value.current === null && get().view === 'space') {
          // The core closed the session after idle minutes: back to the welcome screen.
          set({ ...blank });
          onKioskChanged();
          return;
        }
        const waiting = sync.ok && sync.value.pendingCorrectionRevision != null;
        const correction = waiting ? await api.getCorrection({}) : null;
        set({
          ...(kiosk.ok ? { kiosk: kiosk.value } : {}),
          ...(sync.ok ? { sync: sync.value } : {}),
          ...(accounts.ok ? { accounts: accounts.value } : {}),
          ...(correction === null
            ? { correction: null }
            : correction.ok
              ? { correction: correction.value }
              : {}),
        });
      },

      setTraining: async (on) => {
        const kiosk = await act('training', () => api.setTraining({ training: on }));
        if (kiosk) set({ kiosk });
        onKioskChanged();
      },

      syncNow: async () => {
        const sync = await act('sync', () => api.syncNow({}));
        if (sync) set({ sync });
        // The round may have brought a correction to show, or a newer one.
        if (sync) await get().refresh();
      },

      openDay: async () => {
        const report = await act('day', () => api.openDay({}));
        if (report) set({ report });
        await get().refresh();
        onKioskChanged();
        return report !== null;
      },

      pauseDay: async (reopensAt) => {
        const kiosk = await act('day', () => api.pauseDay(reopensAt ? { reopensAt } : {}));
        if (kiosk) set({ kiosk, notice: 'paused' });
        onKioskChanged();
        return kiosk !== null;
      },

      resumeDay: async () => {
        const kiosk = await act('day', () => api.resumeDay({}));
        if (kiosk) set({ kiosk, notice: 'resumed' });
        onKioskChanged();
        return kiosk !== null;
      },

      closeDay: async ({ note, reopensAt }) => {
        const report = await act('day', () =>
          api.closeDay({ ...(note ? { note } : {}), ...(reopensAt ? { reopensAt } : {}) }),
        );
        if (report) set({ report });
        await get().refresh();
        onKioskChanged();
        return report !== null;
      },

      addIncident: async (text) => {
        const done = await act('incident', () => api.addIncident({ text }));
        if (done) set({ notice: 'incidentNoted' });
        return done !== null;
      },

      loadReports: async () => {
        const reports = await act('reports', () => api.listReports({}));
        if (reports) set({ reports });
      },

      showReport: (report) => set({ report }),

      listDrives: async () => {
        const drives = await act('drives', () => api.listDrives({}));
        if (drives) set({ drives });
      },

      exportUsb: async (driveId) => {
        set({ exporting: true, exported: null });
        const result = await act('usb', () => api.exportUsb({ driveId }));
        set({ exporting: false, ...(result ? { exported: result } : {}) });
        await get().refresh();
      },

      confirmElection: async () => {
        await act('election', () => api.confirmElection({}));
        await get().refresh();
        onKioskChanged();
      },

      applyCorrection: async () => {
        set({ correctionApplied: null });
        const applied = await act('correction', () => api.applyCorrection({}));
        if (applied) set({ correctionApplied: applied.revision });
        await get().refresh();
        onKioskChanged();
      },

      addMediator: async (name, pin) => {
        const accounts = await act('accounts', () => api.addMediator({ name, pin }));
        if (accounts) set({ accounts, notice: 'accountAdded' });
        return accounts !== null;
      },

      removeMediator: async (accountId) => {
        const accounts = await act('accounts', () => api.removeMediator({ accountId }));
        if (accounts) set({ accounts, notice: 'accountRemoved' });
        return accounts !== null;
      },

      changePin: async (currentPin, pin) => {
        // Not through `act`: a wrong current PIN is "Code incorrect", not the end of the session.
        set({ busy: true, error: null, errorAt: null, notice: null });
        const result = await api.changeMediatorPin({ currentPin, pin });
        set({ busy: false });
        if (result.ok) {
          set({ accounts: result.value, notice: 'pinChanged' });
          return true;
        }
        set({ error: result.error, errorAt: 'pin' });
        await get().refresh();
        return false;
      },

      recover: async (input) => {
        if (get().busy) return false;
        set({ busy: true, error: null, errorAt: null });
        const result = await api.recoverMediators(input);
        set({ busy: false });
        if (!result.ok) {
          set({ error: result.error, errorAt: 'recovery' });
          return false;
        }
        set({ accounts: result.value, view: result.value.current ? 'space' : 'login', page: 'home' });
        if (result.value.current) await get().refresh();
        return true;
      },

      showRecovery: (shown) => set({ view: shown ? 'recovery' : 'login', error: null, errorAt: null }),

      clearError: () => set({ error: null, errorAt: null }),

      close: async () => {
        await api.lockMediator({});
        set({ ...blank });
        onKioskChanged();
      },
    };
  });
