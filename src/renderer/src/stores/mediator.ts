/**
 * The mediator's space on the kiosk: which view shows (closed, the PIN pad, the space itself), the
 * kiosk, sync and PIN status it displays, and the mediator actions (training, send now, close the day,
 * USB export, confirm a new election, change the code, close the space). The core decides who may act;
 * this store only follows it: an `unauthorized` answer (session expired) brings the PIN pad back.
 */
import { create } from 'zustand';
import type { KioskApi, KioskStatus, MediatorStatus, SyncStatus } from '../../../shared/api';
import type { AppError, Result } from '../../../shared/result';

export type MediatorView = 'closed' | 'pin' | 'space';
export type MediatorAction = 'training' | 'sync' | 'day' | 'usb' | 'election' | 'pin';

export interface DayClosed {
  day: string;
  ballots: number;
  participations: number;
}

export interface MediatorState {
  view: MediatorView;
  pin: MediatorStatus | null;
  kiosk: KioskStatus | null;
  sync: SyncStatus | null;
  /** The last refusal or failure, shown in plain French by the screen beside the action that caused it. */
  error: AppError | null;
  errorAt: MediatorAction | null;
  busy: boolean;
  dayClosed: DayClosed | null;
  exporting: boolean;
  exported: { written: number; skipped: number; folder: string } | null;
  /** A change of code succeeded (shown once). */
  pinChanged: boolean;
  open: () => Promise<void>;
  submitPin: (pin: string, accountId?: string) => Promise<boolean>;
  cancel: () => void;
  refresh: () => Promise<void>;
  setTraining: (on: boolean) => Promise<void>;
  syncNow: () => Promise<void>;
  closeDay: () => Promise<void>;
  exportUsb: (folder: string) => Promise<void>;
  confirmElection: () => Promise<void>;
  changePin: (currentPin: string, pin: string) => Promise<boolean>;
  close: () => Promise<void>;
}

export interface MediatorDeps {
  api: KioskApi;
  /** Called when the kiosk's state may have changed (training, election), so the voter screens reload. */
  onKioskChanged: () => void;
}

const blank = {
  view: 'closed' as MediatorView,
  pin: null,
  kiosk: null,
  sync: null,
  error: null,
  errorAt: null,
  busy: false,
  dayClosed: null,
  exporting: false,
  exported: null,
  pinChanged: false,
};

export const createMediatorStore = ({ api, onKioskChanged }: MediatorDeps) =>
  create<MediatorState>()((set, get) => {
    /** Runs one mediator action; a refusal for lack of session sends the mediator back to the PIN pad. */
    const act = async <T>(at: MediatorAction, call: () => Promise<Result<T>>): Promise<T | null> => {
      set({ busy: true, error: null, errorAt: null });
      const result = await call();
      set({ busy: false });
      if (result.ok) return result.value;
      if (result.error.code === 'unauthorized') {
        const pin = await api.mediatorStatus({});
        set({ view: 'pin', pin: pin.ok ? pin.value : get().pin, error: result.error });
      } else set({ error: result.error, errorAt: at });
      return null;
    };

    return {
      ...blank,

      open: async () => {
        const pin = await api.mediatorStatus({});
        if (!pin.ok) {
          set({ ...blank, view: 'pin', error: pin.error });
          return;
        }
        const unlocked = pin.value.current !== null;
        set({ ...blank, pin: pin.value, view: unlocked ? 'space' : 'pin' });
        if (unlocked) await get().refresh();
      },

      submitPin: async (pin, accountId) => {
        // Until the account screens exist: the first account is created as "Médiateur", then used.
        const first = get().pin?.accounts.length === 0;
        const account = accountId ?? get().pin?.accounts[0]?.id ?? '';
        set({ busy: true, error: null });
        const result = first
          ? await api.createFirstMediator({ name: 'Médiateur', pin })
          : await api.unlockMediator({ accountId: account, pin });
        if (!result.ok) {
          const status = await api.mediatorStatus({});
          set({ busy: false, error: result.error, pin: status.ok ? status.value : get().pin });
          return false;
        }
        set({ busy: false, pin: result.value, view: 'space' });
        await get().refresh();
        return true;
      },

      cancel: () => set({ ...blank }),

      refresh: async () => {
        const [kiosk, sync, pin] = await Promise.all([
          api.getStatus({}),
          api.getSyncStatus({}),
          api.mediatorStatus({}),
        ]);
        if (pin.ok && pin.value.current === null && get().view === 'space') {
          // The core closed the session (10 minutes without an action): back to the welcome screen.
          set({ ...blank });
          onKioskChanged();
          return;
        }
        set({
          ...(kiosk.ok ? { kiosk: kiosk.value } : {}),
          ...(sync.ok ? { sync: sync.value } : {}),
          ...(pin.ok ? { pin: pin.value } : {}),
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
      },

      closeDay: async () => {
        const day = await act('day', () => api.closeDay({}));
        if (day) set({ dayClosed: day });
        await get().refresh();
      },

      exportUsb: async (folder) => {
        set({ exporting: true, exported: null });
        const result = await act('usb', () => api.exportUsb({ folder, all: false }));
        set({ exporting: false, ...(result ? { exported: result } : {}) });
        await get().refresh();
      },

      confirmElection: async () => {
        await act('election', () => api.confirmElection({}));
        await get().refresh();
        onKioskChanged();
      },

      changePin: async (currentPin, pin) => {
        // Not through `act`: a wrong current code is "Code incorrect", not the end of the session.
        set({ busy: true, error: null, errorAt: null, pinChanged: false });
        const result = await api.changeMediatorPin({ pin, currentPin });
        set({ busy: false });
        if (result.ok) {
          set({ pin: result.value, pinChanged: true });
          return true;
        }
        set({ error: result.error, errorAt: 'pin' });
        await get().refresh();
        return false;
      },

      close: async () => {
        await api.lockMediator({});
        set({ ...blank });
        onKioskChanged();
      },
    };
  });
