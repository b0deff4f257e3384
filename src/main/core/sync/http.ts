/**
 * The kiosk's HTTP client to the central server, on Node's built-in `fetch` (no Electron): every answer
 * is classified once here into a value the uploader can act on, so no caller handles raw exceptions.
 * Network failures, timeouts, 5xx and 429 are `transient` (retry later); the server's refusals keep their
 * status and wire error code.
 */
import { WireError } from '../../../shared/wire';

export type HttpOutcome =
  | { kind: 'ok'; status: number; body: unknown; serverDate: Date | null }
  | { kind: 'refused'; status: number; error: string; message: string; expectedSeq?: number }
  | { kind: 'transient'; reason: string };

export type FetchLike = typeof fetch;

export interface HttpClientOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Aborts the request (the kiosk is closing). */
  signal?: AbortSignal;
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
  let text: string;
  try {
    response = await doFetch(url, {
      method: init.method,
      headers: {
        accept: 'application/json',
        ...(sent === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(sent === undefined ? {} : { body: sent }),
      signal: options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? 15_000)])
        : AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    // Reading the body can fail too (connection cut mid-response): still a network failure.
    text = await response.text();
  } catch (cause) {
    const name = cause instanceof Error ? cause.name : 'Error';
    return { kind: 'transient', reason: name === 'TimeoutError' ? 'timeout' : 'network' };
  }
  let body: unknown;
  try {
    body = text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    body = undefined;
  }
  if (response.status >= 500 || response.status === 429)
    return { kind: 'transient', reason: `http_${response.status}` };
  if (response.ok) {
    if (body === undefined) return { kind: 'transient', reason: 'bad_json' };
    const date = Date.parse(response.headers.get('date') ?? '');
    return {
      kind: 'ok',
      status: response.status,
      body,
      serverDate: Number.isNaN(date) ? null : new Date(date),
    };
  }
  const wire = WireError.safeParse(body);
  if (!wire.success)
    return { kind: 'refused', status: response.status, error: 'unknown', message: text.slice(0, 200) };
  return {
    kind: 'refused',
    status: response.status,
    error: wire.data.error,
    message: wire.data.message,
    ...(wire.data.expectedSeq === undefined ? {} : { expectedSeq: wire.data.expectedSeq }),
  };
}

/** `base` + `path`, tolerating a trailing slash on the configured server address. */
export const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`;
