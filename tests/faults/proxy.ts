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
 * - `duplicate`: forward normally, and replay the same request bytes on a second connection to the server
 *   whose answer is thrown away (a retransmitting middlebox; the server sees the request twice).
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
  | { kind: 'duplicate' };

export type FaultKind = FaultMode['kind'];

export interface ProxyStats {
  connections: number;
  /** How many times each fault actually fired (a test can prove its fault happened). */
  fired: Record<FaultKind, number>;
  bytesUp: number;
  bytesDown: number;
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
});

export async function startProxy(targetPort: number): Promise<FaultProxy> {
  let target = targetPort;
  let mode: FaultMode = { kind: 'pass' };
  let remaining = Infinity;
  const live = new Set<net.Socket>();
  const stats: ProxyStats = { connections: 0, fired: zeroFired(), bytesUp: 0, bytesDown: 0 };

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
    const requestBytes: Buffer[] = [];

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
      if (fault.kind === 'duplicate') requestBytes.push(Buffer.from(chunk));
      if (fault.kind === 'delay') {
        stats.fired.delay += 1;
        setTimeout(() => upstream.writable && upstream.write(chunk), fault.ms);
      } else upstream.write(chunk);
    });

    if (fault.kind === 'duplicate') {
      // Replay once the first answer starts: by then the whole request has been received.
      let replayed = false;
      upstream.once('data', () => {
        if (replayed) return;
        replayed = true;
        stats.fired.duplicate += 1;
        const twin = track(net.connect({ host: '127.0.0.1', port: target }));
        twin.on('data', () => undefined);
        twin.write(Buffer.concat(requestBytes), () => setTimeout(() => twin.end(), 2_000));
      });
    }

    upstream.on('data', (chunk: Buffer) => {
      stats.bytesDown += chunk.length;
      switch (fault.kind) {
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
      return cutLive();
    },
    setTarget(next: number): Promise<void> {
      target = next;
      return cutLive();
    },
    stats: () => ({ ...stats, fired: { ...stats.fired } }),
    close: () =>
      new Promise<void>((resolve) => {
        void cutLive();
        server.close(() => resolve());
      }),
  };
}
