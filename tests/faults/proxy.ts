/**
 * A TCP proxy on 127.0.0.1 for fault-injection tests: it sits between the kiosk's uploader and a real
 * server process and misbehaves the way field networks do. The fault mode is switchable at runtime;
 * switching it cuts every live connection, because Node's fetch keeps connections alive and a mode must
 * apply to the next request, not to the next new socket whenever that comes.
 *
 * Modes (each applies to new connections; `times` limits it to the next N connections, then `pass`):
 * - `pass`: forward bytes both ways untouched.
 * - `refuse`: accept then reset at once (the server looks down).
 * - `blackhole`: accept and never forward nor answer (a dead Wi-Fi: only the client's timeout ends it).
 * - `cutRequest`: forward `bytes` bytes of the request, then cut both sides (mid-request).
 * - `cutResponse`: forward the whole request, `bytes` bytes of the response, then cut (mid-response).
 * - `dropResponse`: forward the whole request, swallow the response and cut as soon as the server starts
 *   answering: the server has committed (it answers after its transaction) but the client never knows.
 * - `delay`: forward everything, each chunk held `ms` milliseconds.
 * - `duplicate`: forward normally, and replay **every** request of the connection (keep-alive carries
 *   many) on a connection of its own, a twin (a retransmitting middlebox: the server sees each request
 *   twice). Even-numbered twins are sent at once, racing the original; odd-numbered ones after the
 *   original's answer is complete. The client only ever sees the original's answer; the twins' answers
 *   are kept for the test (`twins()`).
 * - `holdResponse`: forward requests; when the answer to a request whose first line starts with `match`
 *   begins to arrive (so the server has done its work: it answers after committing), hold it and every
 *   byte after it, never delivered, and report the request (`nextHold()`). The first `pass` such answers
 *   are let through. A crash test kills the client right then: between the server's commit and the
 *   client reading the answer.
 */
import net from 'node:net';

export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'refuse' }
  | { kind: 'blackhole' }
  | { kind: 'cutRequest'; bytes: number }
  | { kind: 'cutResponse'; bytes: number }
  | { kind: 'dropResponse' }
  | { kind: 'delay'; ms: number }
  | { kind: 'duplicate' }
  | { kind: 'holdResponse'; match: string; pass?: number };

export type FaultKind = FaultMode['kind'];

export interface ProxyStats {
  connections: number;
  /** How many times each fault actually fired (a test can prove its fault happened). */
  fired: Record<FaultKind, number>;
  /**
   * Blackholed connections closed since (by the client: only its own timeout ends them). A client may
   * open a connection before it has a request for it, so a blackholed connection counted by `fired` may
   * not have been used yet; once it is closed, no request can land on it any more.
   */
  blackholesClosed: number;
  bytesUp: number;
  bytesDown: number;
}

/** The answer a twin of a duplicated request got from the server. */
export interface TwinAnswer {
  /** The request line, e.g. `POST /api/v1/batches HTTP/1.1`. */
  requestLine: string;
  /** Sent at once, racing the original (else after the original's answer). */
  concurrent: boolean;
  /** HTTP status, or null when the twin got no whole answer. */
  status: number | null;
  body: string;
}

/** An answer held by `holdResponse`: the request it answers (its line and body). */
export interface HeldAnswer {
  requestLine: string;
  requestBody: string;
}

export interface FaultProxy {
  readonly port: number;
  readonly url: string;
  /**
   * Sets the mode for new connections and cuts live ones; `times` then reverts to `pass`. Resolves once
   * clients have had time to see the cut, so the next request opens a fresh connection.
   */
  setMode(mode: FaultMode, times?: number): Promise<void>;
  /** Points the proxy at another upstream port (a restarted server may listen elsewhere). */
  setTarget(port: number): Promise<void>;
  stats(): ProxyStats;
  /** Answers of the duplicated requests' twins, in the order they completed. */
  twins(): TwinAnswer[];
  /** The next answer `holdResponse` holds (already held ones are queued, none is missed). */
  nextHold(): Promise<HeldAnswer>;
  close(): Promise<void>;
}

const zeroFired = (): Record<FaultKind, number> => ({
  pass: 0,
  refuse: 0,
  blackhole: 0,
  cutRequest: 0,
  cutResponse: 0,
  dropResponse: 0,
  delay: 0,
  duplicate: 0,
  holdResponse: 0,
});

/**
 * Cuts an HTTP/1.1 byte stream (requests one way, answers the other) into whole messages: a head up to
 * the blank line, then a body of `content-length` bytes or in chunks. Enough for Node's fetch and Fastify.
 */
export class HttpMessages {
  private buffer = Buffer.alloc(0);

  /** Adds bytes; returns the messages they completed. */
  push(chunk: Buffer): Buffer[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const done: Buffer[] = [];
    for (;;) {
      const end = messageEnd(this.buffer);
      if (end === null) return done;
      done.push(this.buffer.subarray(0, end));
      this.buffer = this.buffer.subarray(end);
    }
  }
}

function messageEnd(buffer: Buffer): number | null {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buffer.subarray(0, headEnd).toString('latin1');
  let at = headEnd + 4;
  if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) {
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
      at = lineEnd + 2 + size + 2;
      if (at > buffer.length) return null;
      if (size === 0) return at;
    }
  }
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  at += length ? Number(length[1]) : 0;
  return at <= buffer.length ? at : null;
}

const firstLine = (message: Buffer): string => {
  const end = message.indexOf('\r\n');
  return message.subarray(0, end < 0 ? message.length : end).toString('latin1');
};

const bodyOf = (message: Buffer): string => {
  const headEnd = message.indexOf('\r\n\r\n');
  return headEnd < 0 ? '' : message.subarray(headEnd + 4).toString('utf8');
};

export async function startProxy(targetPort: number): Promise<FaultProxy> {
  let target = targetPort;
  let mode: FaultMode = { kind: 'pass' };
  let remaining = Infinity;
  const live = new Set<net.Socket>();
  const stats: ProxyStats = {
    connections: 0,
    fired: zeroFired(),
    blackholesClosed: 0,
    bytesUp: 0,
    bytesDown: 0,
  };
  const twinAnswers: TwinAnswer[] = [];
  /** Twins sent since the proxy started: even ones race their original, odd ones follow its answer. */
  let twinCount = 0;
  /** `holdResponse` answers let through since the mode was set. */
  let passedHolds = 0;
  const held: HeldAnswer[] = [];
  const holdWaiters: Array<(answer: HeldAnswer) => void> = [];
  const reportHold = (answer: HeldAnswer): void => {
    const waiter = holdWaiters.shift();
    if (waiter) waiter(answer);
    else held.push(answer);
  };

  /** Sends one request on a connection of its own and keeps the server's answer. */
  const sendTwin = (request: Buffer, concurrent: boolean): void => {
    stats.fired.duplicate += 1;
    const twin = track(net.connect({ host: '127.0.0.1', port: target }));
    const answers = new HttpMessages();
    let recorded = false;
    const record = (answer: Buffer | null): void => {
      if (recorded) return;
      recorded = true;
      const status = answer ? Number(/^HTTP\/1\.[01] (\d{3})/.exec(firstLine(answer))?.[1] ?? NaN) : NaN;
      twinAnswers.push({
        requestLine: firstLine(request),
        concurrent,
        status: Number.isNaN(status) ? null : status,
        body: answer ? bodyOf(answer) : '',
      });
      twin.destroy();
    };
    twin.on('data', (chunk: Buffer) => {
      const [answer] = answers.push(chunk);
      if (answer) record(answer);
    });
    twin.on('close', () => record(null));
    twin.write(request);
  };

  const track = (socket: net.Socket): net.Socket => {
    live.add(socket);
    socket.on('close', () => live.delete(socket));
    // A reset is the point of this proxy: never let it become an unhandled error.
    socket.on('error', () => socket.destroy());
    return socket;
  };

  const takeMode = (): FaultMode => {
    const current = mode;
    if (current.kind !== 'pass' && --remaining <= 0) {
      mode = { kind: 'pass' };
      remaining = Infinity;
    }
    return current;
  };

  const server = net.createServer((client) => {
    track(client);
    stats.connections += 1;
    const fault = takeMode();
    if (fault.kind === 'refuse') {
      stats.fired.refuse += 1;
      client.resetAndDestroy();
      return;
    }
    if (fault.kind === 'blackhole') {
      stats.fired.blackhole += 1;
      client.on('data', () => undefined);
      client.on('close', () => (stats.blackholesClosed += 1));
      return;
    }
    const upstream = track(net.connect({ host: '127.0.0.1', port: target }));
    const cutBoth = (): void => {
      client.resetAndDestroy();
      upstream.destroy();
    };
    // A delayed answer must still reach the client after the server closed its side.
    upstream.on('close', () =>
      fault.kind === 'delay' ? setTimeout(() => client.destroy(), fault.ms + 10) : client.destroy(),
    );
    client.on('close', () => upstream.destroy());

    let sentUp = 0;
    let sentDown = 0;
    // Whole requests and answers of this connection, for `duplicate` and `holdResponse`.
    const requests = new HttpMessages();
    const answers = new HttpMessages();
    const seen: Buffer[] = [];
    /** Twins to send once the answer to request i is complete (duplicate, odd twins). */
    const afterAnswer = new Map<number, Buffer>();
    let answered = 0;
    let holding = false;

    client.on('data', (chunk: Buffer) => {
      stats.bytesUp += chunk.length;
      if (fault.kind === 'cutRequest') {
        const room = fault.bytes - sentUp;
        if (room < chunk.length) {
          if (room > 0) upstream.write(chunk.subarray(0, room));
          stats.fired.cutRequest += 1;
          // Let the partial bytes reach the server before the cut.
          setTimeout(cutBoth, 20);
          client.pause();
          return;
        }
        sentUp += chunk.length;
      }
      if (fault.kind === 'duplicate' || fault.kind === 'holdResponse')
        for (const request of requests.push(chunk)) {
          seen.push(request);
          if (fault.kind !== 'duplicate') continue;
          const concurrent = twinCount % 2 === 0;
          twinCount += 1;
          if (concurrent) sendTwin(request, true);
          else afterAnswer.set(seen.length - 1, request);
        }
      if (fault.kind === 'delay') {
        stats.fired.delay += 1;
        setTimeout(() => upstream.writable && upstream.write(chunk), fault.ms);
      } else upstream.write(chunk);
    });

    upstream.on('data', (chunk: Buffer) => {
      stats.bytesDown += chunk.length;
      switch (fault.kind) {
        case 'duplicate':
          client.write(chunk);
          for (const _answer of answers.push(chunk)) {
            const twin = afterAnswer.get(answered);
            afterAnswer.delete(answered);
            answered += 1;
            if (twin) sendTwin(twin, false);
          }
          return;
        case 'holdResponse': {
          if (holding) return;
          // Answers come in request order: this chunk starts or continues the answer to request `answered`.
          const request = seen[answered];
          if (request && firstLine(request).startsWith(fault.match) && passedHolds >= (fault.pass ?? 0)) {
            holding = true;
            stats.fired.holdResponse += 1;
            reportHold({ requestLine: firstLine(request), requestBody: bodyOf(request) });
            return;
          }
          client.write(chunk);
          for (const _answer of answers.push(chunk)) {
            const done = seen[answered];
            if (done && firstLine(done).startsWith(fault.match)) passedHolds += 1;
            answered += 1;
          }
          return;
        }
        case 'dropResponse':
          stats.fired.dropResponse += 1;
          cutBoth();
          return;
        case 'cutResponse': {
          const room = fault.bytes - sentDown;
          if (room < chunk.length) {
            if (room > 0) client.write(chunk.subarray(0, room));
            stats.fired.cutResponse += 1;
            setTimeout(cutBoth, 20);
            upstream.pause();
            return;
          }
          sentDown += chunk.length;
          client.write(chunk);
          return;
        }
        case 'delay':
          setTimeout(() => client.writable && client.write(chunk), fault.ms);
          return;
        default:
          client.write(chunk);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy: no port');
  const port = address.port;

  const cutLive = (): Promise<void> => {
    for (const socket of live) socket.destroy();
    return new Promise((resolve) => setTimeout(resolve, 30));
  };

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    setMode(next: FaultMode, times?: number): Promise<void> {
      mode = next;
      remaining = times ?? Infinity;
      passedHolds = 0;
      return cutLive();
    },
    setTarget(next: number): Promise<void> {
      target = next;
      return cutLive();
    },
    stats: () => ({ ...stats, fired: { ...stats.fired } }),
    twins: () => [...twinAnswers],
    nextHold: () => {
      const ready = held.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => holdWaiters.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        void cutLive();
        server.close(() => resolve());
      }),
  };
}
