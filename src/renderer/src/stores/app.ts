/**
 * The application's store instances, wired to the real API module. Screens import from here; tests
 * build their own instances with the factories.
 */
import { api } from '../api';
import { createMediatorStore } from './mediator';
import { useSelection } from './selection';
import { createSessionStore } from './session';
import { createSetupStore } from './setup';
import { useSettings } from './settings';

export { useSelection } from './selection';
export { useSettings } from './settings';

export const useSession = createSessionStore({
  api,
  onVoterEnd: () => {
    useSelection.getState().reset();
    useSettings.getState().reset();
  },
});

export const useMediator = createMediatorStore({
  api,
  onKioskChanged: () => void useSession.getState().load(),
  onVoterEnded: () => void useSession.getState().dropVoter(),
});

export const useSetup = createSetupStore({
  api,
  onStepDone: () => useSession.getState().load(),
});
