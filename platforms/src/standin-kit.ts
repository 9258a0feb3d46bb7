import type { IncomingMessage, Server } from 'node:http';

/*
 * What every local stand-in for a platform's servers does the same way: read a request's
 * bytes, hold a fault's delay, and close with the connections still open.
 */

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stops listening and drops kept-alive connections, so a test's `close()` never hangs. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
