/**
 * Serves the built renderer to the kiosk window from `app://kiosk/…` instead of file://: a real origin, so
 * the CSP's 'self' means exactly our files, navigation checks compare one origin, and a page can never read
 * another file of the disk. Path resolution is a pure function (unit-tested); the handler reads the file.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, relative } from 'node:path';
import type { Protocol } from 'electron';
import { APP_SCHEME } from './security';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const mimeType = (file: string): string =>
  MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * The file under `rootDir` that `requestUrl` names, or null when the URL is not ours or climbs out of the
 * folder (`..`, encoded or not). `/` is the app's index.html.
 */
export function resolveAppFile(rootDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== 'kiosk') return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const wanted = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const file = normalize(join(rootDir, wanted));
  const rel = relative(rootDir, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return file;
}

/** Must run before `app.ready`: gives our scheme the standing of https (secure context, fetch, CSP). */
export function privilegedScheme(): { scheme: string; privileges: Record<string, boolean> } {
  return {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: false },
  };
}

/** Answers `app://kiosk/…` from `rootDir`, with the same CSP header as every other response. */
export function serveRenderer(protocol: Protocol, rootDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(rootDir, request.url);
    const headers = {
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
    };
    if (!file) return new Response('Not found', { status: 404, headers });
    try {
      const body = await readFile(file);
      return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': mimeType(file) } });
    } catch {
      return new Response('Not found', { status: 404, headers });
    }
  });
}
