/**
 * The kiosk's first start, as the setup screens walk it: the first mediator account, then the enrolment
 * (online: server address, one-time code, the authority's fingerprint to compare; offline: the request
 * written to a stick, carried to the central team, and the signed answer read back), then the check
 * screen and "Terminer". Which step shows is the core's `KioskStatus.setup`; this store holds what the
 * mediator is doing inside a step, and reloads the kiosk status after every step the core accepted.
 */
import { create } from 'zustand';
import type { KioskApi, RemovableDrive, SetupCheck } from '../../../shared/api';
import type { AppError, Result } from '../../../shared/result';

/** Inside the enrolment step: the choice, the online form, or the two USB trips. */
export type EnrolMode = 'choose' | 'online' | 'usb-write' | 'usb-carry' | 'usb-read';

export interface SetupState {
  mode: EnrolMode;
  busy: boolean;
  error: AppError | null;
  drives: RemovableDrive[] | null;
  /** The request's file name on the stick, once written. */
  requestFile: string | null;
  check: SetupCheck | null;
  createFirstMediator: (name: string, pin: string) => Promise<boolean>;
  setMode: (mode: EnrolMode) => void;
  enrolOnline: (input: {
    serverUrl: string;
    code: string;
    label: string;
    authorityFingerprint: string;
  }) => Promise<boolean>;
  listDrives: () => Promise<void>;
  writeRequest: (input: { driveId: string; code: string; label: string }) => Promise<boolean>;
  readAnswer: (input: { driveId: string; authorityFingerprint: string }) => Promise<boolean>;
  loadCheck: () => Promise<void>;
  finish: () => Promise<boolean>;
  clearError: () => void;
}

export interface SetupDeps {
  api: KioskApi;
  /** The kiosk status changed (next step, or setup done): the app reloads it. */
  onStepDone: () => Promise<void> | void;
}

export const createSetupStore = ({ api, onStepDone }: SetupDeps) =>
  create<SetupState>()((set, get) => {
    const run = async <T>(call: () => Promise<Result<T>>): Promise<T | null> => {
      if (get().busy) return null;
      set({ busy: true, error: null });
      const result = await call();
      set({ busy: false, ...(result.ok ? {} : { error: result.error }) });
      return result.ok ? result.value : null;
    };

    return {
      mode: 'choose',
      busy: false,
      error: null,
      drives: null,
      requestFile: null,
      check: null,

      createFirstMediator: async (name, pin) => {
        const done = await run(() => api.createFirstMediator({ name, pin }));
        if (done) await onStepDone();
        return done !== null;
      },

      setMode: (mode) => set({ mode, error: null }),

      enrolOnline: async (input) => {
        const check = await run(() => api.enrolOnline(input));
        if (check) {
          set({ check });
          await onStepDone();
        }
        return check !== null;
      },

      listDrives: async () => {
        const drives = await run(() => api.listDrives({}));
        if (drives) set({ drives });
      },

      writeRequest: async (input) => {
        const written = await run(() => api.writeEnrolmentRequest(input));
        if (written) set({ requestFile: written.file, mode: 'usb-carry' });
        return written !== null;
      },

      readAnswer: async (input) => {
        const check = await run(() => api.readEnrolmentAnswer(input));
        if (check) {
          set({ check });
          await onStepDone();
        }
        return check !== null;
      },

      loadCheck: async () => {
        const check = await run(() => api.getSetupCheck({}));
        if (check) set({ check });
      },

      finish: async () => {
        const status = await run(() => api.finishSetup({}));
        if (status) await onStepDone();
        return status !== null;
      },

      clearError: () => set({ error: null }),
    };
  });
