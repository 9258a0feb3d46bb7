import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/*
 * Baseline process for the sockets bench: a bare Socket.IO server (no auth, no adapter, no
 * recovery) whose clients join the room named in their handshake. The parent sends
 * `{emit: room}` over IPC; the server emits one event to that room.
 */
const server = http.createServer();
const io = new Server(server, { serveClient: false, transports: ['websocket'] });
io.on('connection', (socket) => {
  const room: unknown = socket.handshake.auth?.room;
  if (typeof room === 'string') void socket.join(room);
});
server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message: { emit?: string }) => {
  if (message.emit) io.to(message.emit).emit('hit', { room: message.emit });
});
process.on('disconnect', () => process.exit(0));
