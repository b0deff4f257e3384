/**
 * The preload exposes exactly two things: `window.kiosk`, with every method of the contract speaking IPC
 * on the contract's channels, and `window.kioskShell`, with the shell's PDF and printer methods and no
 * other; and the built preload is one CommonJS file that requires only `electron` (a
 * sandboxed preload can require nothing else).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ipcChannel, kioskMethods } from '../../../src/shared/api';
import { shellChannel, shellMethods } from '../../../src/shared/shell';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn() },
}));
vi.mock('electron', () => electron);

describe('preload', () => {
  it('exposes exactly `kiosk` and `kioskShell`, each with its contract’s methods and nothing else', async () => {
    await import('../../../src/preload/index');
    const calls = electron.contextBridge.exposeInMainWorld.mock.calls as [string, Record<string, unknown>][];
    expect(calls.map(([name]) => name)).toEqual(['kiosk', 'kioskShell']);
    const [[, api], [, shell]] = calls as [
      [string, Record<string, unknown>],
      [string, Record<string, unknown>],
    ];
    expect(Object.keys(api).sort()).toEqual([...kioskMethods].sort());
    for (const method of kioskMethods) expect(typeof api[method]).toBe('function');
    expect(Object.keys(shell).sort()).toEqual(['printSilently', 'savePdf']);
    expect(Object.keys(shell).sort()).toEqual([...shellMethods].sort());
    for (const method of shellMethods) expect(typeof shell[method]).toBe('function');
  });

  it('sends the shell’s calls on its own channels and checks their answers', async () => {
    await import('../../../src/preload/index');
    const shell = electron.contextBridge.exposeInMainWorld.mock.calls[1]?.[1] as Record<
      string,
      (input: unknown) => Promise<unknown>
    >;
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { path: '/r/rapport.pdf' } });
    expect(await shell['savePdf']?.({ fileName: 'rapport.pdf' })).toEqual({
      ok: true,
      value: { path: '/r/rapport.pdf' },
    });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(shellChannel('savePdf'), {
      fileName: 'rapport.pdf',
    });
    electron.ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { code: 'no_printer', message: 'Aucune imprimante.' },
    });
    expect(await shell['printSilently']?.({ kind: 'receipt' })).toMatchObject({
      ok: false,
      error: { code: 'no_printer' },
    });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(shellChannel('printSilently'), {
      kind: 'receipt',
    });
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { path: 42 } });
    expect(await shell['savePdf']?.({ fileName: 'rapport.pdf' })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
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
