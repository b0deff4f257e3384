/**
 * One kiosk process per machine: two would open the same SQLite file and show two voting windows. The
 * second launch quits at once; the first brings its window back to the front.
 */
import type { App } from 'electron';

/** Returns false (and asks the app to quit) when another instance already holds the lock. */
export function acquireSingleInstance(app: App, onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', onSecondInstance);
  return true;
}
