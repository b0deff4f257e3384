/**
 * The kiosk's setup at first start (docs/counter-day.md): first mediator account → enrolment (online,
 * or by USB in two trips: setup-usb.ts) → check screen → in service. The state is derived from what is
 * stored (an account, a pinned authority key) plus one setting once the mediator has seen the check
 * screen, so it survives restarts and cannot skip a step. Until `done`, no voter may get the election,
 * check eligibility or cast (`refuseUntilSetUp`).
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KioskHandlers, SetupCheck, SetupState } from '../../shared/api';
import { err, ok, type Result } from '../../shared/result';
import { keyFingerprint } from '../../shared/node/crypto';
import type { KioskContext } from './context';
import { readEnrolmentAnswer, writeEnrolmentRequest } from './setup-usb';
import { settingKeys, type KioskStore } from './store';
import { enrolKiosk, isEnrolled } from './sync/enrol';
import { joinUrl, requestJson, type FetchLike } from './sync/http';

export function setupState(store: KioskStore, hasMediator: boolean): SetupState {
  if (!hasMediator) return 'first_mediator';
  if (!isEnrolled(store)) return 'enrol';
  return store.getSetting(settingKeys.setupState) === 'done' ? 'done' : 'check';
}

/** The voter methods that need a kiosk in service answer this until the setup is done. */
export function refuseUntilSetUp(state: SetupState): Result<never> | null {
  return state === 'done'
    ? null
    : err(
        'setup_needed',
        'Ce kiosque n’est pas encore installé : un médiateur doit terminer son installation.',
      );
}

/** Free bytes on the file system holding `path` (for the check screen and the status report). */
export function freeDiskBytes(path: string): number | null {
  try {
    const stats = statfsSync(path);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return null;
  }
}

export interface SetupDeps {
  context: KioskContext;
  /** The kiosk's database file: the check screen reports the free space of its disk. */
  dbPath: string;
  /** At least one mediator account exists. */
  hasMediator: () => boolean;
  /** How enrolment reaches the server (the uploads' fetch and timeout). */
  http: () => { fetch?: FetchLike; timeoutMs: number };
  /** Told when the kiosk is enrolled (the sync starts its rounds). */
  onEnrolled?: () => void;
}

export type SetupHandlers = Pick<
  KioskHandlers,
  'enrolOnline' | 'writeEnrolmentRequest' | 'readEnrolmentAnswer' | 'getSetupCheck' | 'finishSetup'
>;

export function createSetupHandlers(deps: SetupDeps): SetupHandlers {
  const { context } = deps;
  const { store } = context;
  const enrolDeps = () => ({ context, ...deps.http() });

  const check = (serverDate: Date | null): SetupCheck => {
    const election = context.election();
    const authority = store.getSetting(settingKeys.authorityPublicKey);
    return {
      kioskId: context.identity.kioskId,
      label: store.getSetting(settingKeys.label),
      serverUrl: store.getSetting(settingKeys.serverUrl),
      election: election
        ? {
            electionId: election.electionId,
            title: election.title,
            opensAt: election.opensAt,
            closesAt: election.closesAt,
          }
        : null,
      kioskKeyFingerprint: keyFingerprint(context.identity.publicKey),
      authorityKeyFingerprint: authority ? keyFingerprint(authority) : null,
      clockOffsetSeconds:
        serverDate === null ? null : Math.round((context.now().getTime() - serverDate.getTime()) / 1000),
      freeDiskBytes: freeDiskBytes(dirname(deps.dbPath)),
    };
  };

  /** The server's clock, from the `Date` header of its health answer; null offline or unreachable. */
  const serverClock = async (): Promise<Date | null> => {
    const serverUrl = store.getSetting(settingKeys.serverUrl);
    if (!serverUrl) return null;
    const http = deps.http();
    const answer = await requestJson(
      joinUrl(serverUrl, '/healthz'),
      { method: 'GET' },
      {
        ...(http.fetch ? { fetch: http.fetch } : {}),
        timeoutMs: Math.min(http.timeoutMs, 5_000),
      },
    );
    return answer.kind === 'ok' ? answer.serverDate : null;
  };

  const refused = (code: string, result: Result<never>): Result<never> => {
    context.audit('enrolment_refused', { code });
    return result;
  };

  const enrolled = (): void => {
    deps.onEnrolled?.();
  };

  return {
    enrolOnline: async (input) => {
      const done = await enrolKiosk(enrolDeps(), input);
      if (!done.ok) return refused(done.error.code, done);
      enrolled();
      return ok(check(done.value.serverDate));
    },

    writeEnrolmentRequest: (input) => writeEnrolmentRequest(enrolDeps(), input),

    readEnrolmentAnswer: (input) => {
      const done = readEnrolmentAnswer(enrolDeps(), input);
      if (!done.ok) return refused(done.error.code, done);
      enrolled();
      return ok(check(null));
    },

    getSetupCheck: async () => ok(check(await serverClock())),

    finishSetup: () => {
      const state = setupState(store, deps.hasMediator());
      if (state === 'first_mediator' || state === 'enrol')
        return err('not_enrolled', 'Inscrivez d’abord ce kiosque auprès de l’équipe centrale.');
      if (state === 'check')
        store.transaction(() => {
          store.setSetting(settingKeys.setupState, 'done');
          context.audit('setup_finished', {});
        });
      return ok(context.status());
    },
  };
}
