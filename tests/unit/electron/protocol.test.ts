/**
 * `app://kiosk/…` resolution: our files only, never a path out of the renderer folder.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Protocol } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const { mimeType, privilegedScheme, resolveAppFile, serveRenderer } =
  await import('../../../src/main/electron/protocol');

const root = '/srv/renderer';

describe('resolveAppFile', () => {
  it('maps our URLs to files under the renderer folder', () => {
    expect(resolveAppFile(root, 'app://kiosk/')).toBe('/srv/renderer/index.html');
    expect(resolveAppFile(root, 'app://kiosk/index.html')).toBe('/srv/renderer/index.html');
    expect(resolveAppFile(root, 'app://kiosk/assets/index-abc.js?v=1#x')).toBe(
      '/srv/renderer/assets/index-abc.js',
    );
    expect(resolveAppFile(root, 'app://kiosk/images/caf%C3%A9.webp')).toBe('/srv/renderer/images/café.webp');
  });

  it('never resolves outside the renderer folder, however the path is spelled', () => {
    for (const url of [
      'app://kiosk/../../etc/passwd',
      'app://kiosk/%2e%2e/%2e%2e/etc/passwd',
      'app://kiosk/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd',
      'app://kiosk/..%5c..%5cetc',
      'app://kiosk/assets/..%2f..%2f',
    ]) {
      const file = resolveAppFile(root, url);
      if (file !== null) expect(file.startsWith(`${root}/`), url).toBe(true);
    }
    // Encoded slashes survive URL parsing and are decoded afterwards: the folder check must catch them.
    expect(resolveAppFile(root, 'app://kiosk/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd')).toBeNull();
    expect(resolveAppFile(root, 'app://kiosk/assets/..%2f..%2f')).toBeNull();
  });

  it('refuses other hosts, other schemes, NUL bytes and broken escapes', () => {
    for (const url of [
      'app://other/index.html',
      'https://kiosk/index.html',
      'file:///etc/passwd',
      'app://kiosk/a%00b',
      'app://kiosk/%E0%A4%A',
      'not a url',
    ]) {
      expect(resolveAppFile(root, url), url).toBeNull();
    }
  });

  it('names the MIME types a renderer build needs', () => {
    expect(mimeType('a.html')).toMatch(/^text\/html/);
    expect(mimeType('a.js')).toMatch(/^text\/javascript/);
    expect(mimeType('a.css')).toMatch(/^text\/css/);
    expect(mimeType('a.woff2')).toBe('font/woff2');
    expect(mimeType('a.unknown')).toBe('application/octet-stream');
  });

  it('registers the scheme as standard and secure (so CSP self and fetch work)', () => {
    expect(privilegedScheme()).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true } });
  });
});

describe('serveRenderer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isoloir-protocol-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>ok</title>');
  writeFileSync(join(dir, 'renderer', 'assets', 'a.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'secret');

  let handler: ((request: Request) => Promise<Response>) | undefined;
  const protocol = {
    handle: (scheme: string, h: typeof handler) => {
      expect(scheme).toBe('app');
      handler = h;
    },
  } as unknown as Protocol;
  serveRenderer(protocol, join(dir, 'renderer'), "default-src 'self'");

  it('answers our files with the CSP header and their type', async () => {
    const page = await handler!(new Request('app://kiosk/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>ok</title>');
    const script = await handler!(new Request('app://kiosk/assets/a.js'));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('answers 404, still with the CSP, for missing files and files outside the folder', async () => {
    const missing = await handler!(new Request('app://kiosk/nope.js'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe("default-src 'self'");
    const outside = await handler!(new Request('app://kiosk/%2e%2e/secret.txt'));
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toContain('secret');
  });
});
