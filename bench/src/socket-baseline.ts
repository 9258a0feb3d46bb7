import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { paced, summarize } from './stats';

/**
 * Baseline: a bare Socket.IO server and client on loopback, no database or queue. The
 * client emits, the server echoes; half the round trip is the floor for a server push.
 */
export async function socketBaseline(rate: number, seconds: number) {
  const server = http.createServer();
  const io = new Server(server);
  io.on('connection', (socket) => socket.on('ping', (sentAt: number) => socket.emit('pong', sentAt)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  await new Promise((resolve) => client.once('connect', () => resolve(undefined)));
  const samples: number[] = [];
  client.on('pong', (sentAt: number) => samples.push((performance.now() - sentAt) / 2));
  await paced(rate, seconds, async () => void client.emit('ping', performance.now()));
  await new Promise((r) => setTimeout(r, 500));
  client.disconnect();
  await new Promise((resolve) => void io.close(() => resolve(undefined)));
  return summarize(samples);
}
