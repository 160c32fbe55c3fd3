import dc from 'node:diagnostics_channel';
import type { Server, Socket } from 'node:net';

// [Note: Hub network bytes]
// Every byte the hub process moves over TCP for HTTP, both ways: the connections clients and
// hosts open to it, and the connections it opens itself with fetch (deliveries of copy orders,
// repair orders, audits, deletes), which undici announces on its diagnostics channel. Bytes
// are counted on the sockets (bytesRead, bytesWritten), so headers, TLS records and bodies all
// count. It is what shows that content does not pass through the hub: a copy of many MiB
// between two hosts moves a few KiB here. Database connections are not counted.

const UNDICI_CONNECTED = 'undici:client:connected';

export interface NetworkBytes {
  /** Bytes received and sent since the hub started, over every counted connection. */
  totals(): { received: number; sent: number };
  stop(): void;
}

export function countNetworkBytes(server: Server): NetworkBytes {
  const live = new Set<Socket>();
  let received = 0;
  let sent = 0;
  const watch = (socket: Socket) => {
    if (live.has(socket)) return;
    live.add(socket);
    socket.once('close', () => {
      live.delete(socket);
      received += socket.bytesRead;
      sent += socket.bytesWritten;
    });
  };
  const onConnection = (socket: Socket) => watch(socket);
  const onFetch = (message: unknown) => {
    const socket = (message as { socket?: Socket } | undefined)?.socket;
    if (socket) watch(socket);
  };
  server.on('connection', onConnection);
  dc.subscribe(UNDICI_CONNECTED, onFetch);
  return {
    totals() {
      let r = received;
      let s = sent;
      for (const socket of live) {
        r += socket.bytesRead;
        s += socket.bytesWritten;
      }
      return { received: r, sent: s };
    },
    stop() {
      server.off('connection', onConnection);
      dc.unsubscribe(UNDICI_CONNECTED, onFetch);
    },
  };
}
