/**
 * The preload exposes exactly one thing, `window.kiosk`, with every method of the contract speaking IPC on
 * the contract's channels; and the built preload is one CommonJS file that requires only `electron` (a
 * sandboxed preload can require nothing else).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ipcChannel, kioskMethods } from '../../../src/shared/api';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn() },
}));
vi.mock('electron', () => electron);

describe('preload', () => {
  it('exposes exactly `kiosk`, with every method of the contract and nothing else', async () => {
    await import('../../../src/preload/index');
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [name, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0] as [
      string,
      Record<string, unknown>,
    ];
    expect(name).toBe('kiosk');
    expect(Object.keys(api).sort()).toEqual([...kioskMethods].sort());
    for (const method of kioskMethods) expect(typeof api[method]).toBe('function');
  });

  it('sends each call on its contract channel and checks the answer against the output schema', async () => {
    await import('../../../src/preload/index');
    const api = electron.contextBridge.exposeInMainWorld.mock.calls[0]?.[1] as Record<
      string,
      (input: unknown) => Promise<unknown>
    >;
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: [] });
    expect(await api['searchCommunes']?.({ query: 'arr' })).toEqual({ ok: true, value: [] });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(ipcChannel('searchCommunes'), {
      query: 'arr',
    });
    // A malformed answer from main never reaches the screen as if it were valid.
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: [{ code: 'not-a-commune' }] });
    expect(await api['searchCommunes']?.({ query: 'arr' })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error('main gone'));
    expect(await api['getStatus']?.({})).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
  });
});

const built = resolve('out/preload/index.cjs');

describe('built preload (out/preload/index.cjs)', () => {
  it.skipIf(!existsSync(built))(
    'is CommonJS and requires nothing but electron (skipped until `npx electron-vite build` has run)',
    () => {
      const code = readFileSync(built, 'utf8');
      const requires = [...code.matchAll(/\brequire\(\s*(["'`])([^"'`]*)\1\s*\)/g)].map((m) => m[2]);
      expect(requires).toContain('electron');
      expect(requires.filter((name) => name !== 'electron')).toEqual([]);
      // Any other require form (a variable, a template) would escape the check above.
      expect(code.match(/\brequire\(/g)?.length).toBe(requires.length);
      expect(code).not.toMatch(/^\s*import\s|\bimport\(/m);
      expect(code).toContain('exposeInMainWorld');
    },
  );
});
