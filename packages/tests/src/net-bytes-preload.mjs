// Preloaded into a CLI process (NODE_OPTIONS=--import) by countingClientEnv: adds up the bytes
// read and written on every connection the process opens, and writes the sums to the file
// named by COFFER_TEST_NET_BYTES when it exits.
import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

const open = new Set();
const total = { read: 0, written: 0, connections: 0 };
const add = (socket) => {
  total.read += socket.bytesRead;
  total.written += socket.bytesWritten;
};
dc.subscribe('net.client.socket', ({ socket }) => {
  total.connections++;
  open.add(socket);
  socket.once('close', () => {
    open.delete(socket);
    add(socket);
  });
});
process.on('exit', () => {
  for (const s of open) add(s);
  writeFileSync(process.env.COFFER_TEST_NET_BYTES, JSON.stringify(total));
});
