/**
 * The kiosk's HTTP client to the central server, on Node's built-in `fetch` (no Electron): every answer
 * is classified once here into a value the uploader can act on, so no caller handles raw exceptions.
 * Only an isoloir wire error (`{"error": <wire code>, "message"}`, DESIGN §4) is a `refused` answer;
 * everything else that is not a JSON success is `transient` (retry later), with why:
 * - `network` / `timeout`: nothing answered;
 * - `not_isoloir`: something answered that is not the server (a Wi-Fi captive portal or a proxy's HTML
 *   403/407, a redirect, a 2xx page that is not JSON, a 5xx page that is not a wire error, or a body
 *   larger than anything the server sends: read no further than `maxBytes`);
 * - `server_busy`: the server itself answered 5xx or 429 with a wire error.
 */
import { wireErrorCodes, type WireErrorCode } from '../../../shared/errors';
import { WireError } from '../../../shared/wire';

export type TransientReason = 'network' | 'timeout' | 'not_isoloir' | 'server_busy';

export type HttpOutcome =
  | { kind: 'ok'; status: number; body: unknown; serverDate: Date | null }
  | {
      kind: 'refused';
      status: number;
      error: WireErrorCode;
      /** The server's own text, French by contract (docs/protocol.md). */
      message: string;
      expectedSeq?: number;
    }
  | { kind: 'transient'; reason: TransientReason; status?: number };

export type FetchLike = typeof fetch;

export interface HttpClientOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Aborts the request (the kiosk is closing). */
  signal?: AbortSignal;
  /** The largest body read (default `MAX_RESPONSE_BYTES`); a larger one is not the server's. */
  maxBytes?: number;
}

/**
 * The largest answer the kiosk reads: an election package with its pictures embedded is the largest
 * thing the server sends (54 projects of a few hundred KiB each); a register page or an ack is far less.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The body as text, or null once it passes `maxBytes` (the rest is not read: the stream is cancelled). */
async function readCapped(response: Response, maxBytes: number): Promise<string | null> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function requestJson(
  url: string,
  init: {
    method: 'GET' | 'POST';
    /** A value sent as JSON. */
    body?: unknown;
    /** JSON text sent exactly as given (a stored envelope). */
    rawBody?: string;
    headers?: Record<string, string>;
  },
  options: HttpClientOptions = {},
): Promise<HttpOutcome> {
  const doFetch = options.fetch ?? fetch;
  const sent = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  let response: Response;
  let text: string | null;
  try {
    response = await doFetch(url, {
      method: init.method,
      headers: {
        accept: 'application/json',
        ...(sent === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(sent === undefined ? {} : { body: sent }),
      // The server never redirects: a redirect is a captive portal, and following it would read its page.
      redirect: 'manual',
      signal: options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? 15_000)])
        : AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    // Reading the body can fail too (connection cut mid-response): still a network failure.
    text = await readCapped(response, options.maxBytes ?? MAX_RESPONSE_BYTES);
  } catch (cause) {
    const name = cause instanceof Error ? cause.name : 'Error';
    return { kind: 'transient', reason: name === 'TimeoutError' ? 'timeout' : 'network' };
  }
  if (text === null) return { kind: 'transient', reason: 'not_isoloir', status: response.status };
  let body: unknown;
  try {
    body = text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    body = undefined;
  }
  const status = response.status;
  if (response.ok) {
    if (body === undefined) return { kind: 'transient', reason: 'not_isoloir', status };
    const date = Date.parse(response.headers.get('date') ?? '');
    return {
      kind: 'ok',
      status: response.status,
      body,
      serverDate: Number.isNaN(date) ? null : new Date(date),
    };
  }
  const wire = WireError.safeParse(body);
  const code = wire.success ? wireCode(wire.data.error) : null;
  if (!wire.success || code === null || status < 400)
    return { kind: 'transient', reason: 'not_isoloir', status };
  if (status >= 500 || status === 429) return { kind: 'transient', reason: 'server_busy', status };
  return {
    kind: 'refused',
    status,
    error: code,
    message: wire.data.message,
    ...(wire.data.expectedSeq === undefined ? {} : { expectedSeq: wire.data.expectedSeq }),
  };
}

const wireCode = (error: string): WireErrorCode | null =>
  (wireErrorCodes as readonly string[]).includes(error) ? (error as WireErrorCode) : null;

/** `base` + `path`, tolerating a trailing slash on the configured server address. */
export const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`;
