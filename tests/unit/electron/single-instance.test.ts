/**
 * One kiosk process per machine: a second launch quits, the first is brought back to the front.
 */
import { EventEmitter } from 'node:events';
import type { App } from 'electron';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const { acquireSingleInstance } = await import('../../../src/main/electron/single-instance');

function fakeApp(lockFree: boolean) {
  const emitter = new EventEmitter();
  const quit = vi.fn();
  const app = Object.assign(emitter, { requestSingleInstanceLock: () => lockFree, quit });
  return { app: app as unknown as App, emitter, quit };
}

describe('acquireSingleInstance', () => {
  it('quits the second instance at once', () => {
    const { app, emitter, quit } = fakeApp(false);
    const focus = vi.fn();
    expect(acquireSingleInstance(app, focus)).toBe(false);
    expect(quit).toHaveBeenCalledTimes(1);
    expect(emitter.listenerCount('second-instance')).toBe(0);
  });

  it('keeps the first instance and focuses it when another launch is attempted', () => {
    const { app, emitter, quit } = fakeApp(true);
    const focus = vi.fn();
    expect(acquireSingleInstance(app, focus)).toBe(true);
    expect(quit).not.toHaveBeenCalled();
    emitter.emit('second-instance');
    expect(focus).toHaveBeenCalledTimes(1);
  });
});
