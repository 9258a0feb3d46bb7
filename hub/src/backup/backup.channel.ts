import { timingSafeEqual } from 'node:crypto';
import { chmod, rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { deriveKey, type Env } from '@velvet/shared';
import type { Logger } from '../logger';
import type { LiveDatabase } from './archivers';
import { BackupError, createBackup, type BackupManifest } from './backup';

/**
 * The local channel through which `npm run backup` asks the running embedded hub for a
 * backup: only that process can copy its PGlite database consistently. A Unix socket in
 * DATA_DIR (mode 0600) that answers one route, to a token derived from VELVET_SECRET.
 */
export const channelPath = (dataDir: string) => path.join(path.resolve(dataDir), 'backup.sock');

export const channelToken = (secret: string) => deriveKey(secret, 'backup-channel').toString('base64url');

const backupRequest = z.strictObject({
  out: z
    .string()
    .min(1)
    .max(4096)
    .refine((out) => path.isAbsolute(out), 'must be an absolute path'),
});

type Answer = { file: string; manifest: BackupManifest } | { error: string };

const MAX_BODY = 8192;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) reject(new BackupError('request too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startBackupChannel(deps: {
  env: Env;
  database: LiveDatabase;
  token: string;
  logger: Logger;
}): Promise<{ close(): Promise<void> }> {
  const socket = channelPath(deps.env.DATA_DIR);
  const expected = Buffer.from(`Bearer ${deps.token}`);
  let running = false;
  const server = http.createServer((req, res) => {
    const answer = (status: number, body: Answer) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return answer(401, { error: 'unauthorized' });
      }
      if (req.method !== 'POST' || req.url !== '/backup') return answer(404, { error: 'not found' });
      let out: string;
      try {
        const parsed = backupRequest.safeParse(JSON.parse(await readBody(req)));
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          return answer(422, { error: `${issue.path.join('.') || 'body'}: ${issue.message}` });
        }
        out = parsed.data.out;
      } catch {
        return answer(422, { error: 'body: must be JSON {"out": "/absolute/file.tar.gz"}' });
      }
      if (running) return answer(409, { error: 'a backup is already being written; try again when it ends' });
      running = true;
      const started = Date.now();
      try {
        const result = await createBackup(deps.env, out, deps.database);
        deps.logger.info(
          { backup: { file: result.file, durationMs: Date.now() - started } },
          'backup written on request',
        );
        answer(200, result);
      } catch (error) {
        deps.logger.error({ err: error }, 'requested backup failed');
        answer(500, { error: error instanceof Error ? error.message : String(error) });
      } finally {
        running = false;
      }
    })();
  });
  // A socket left by a crashed run answers nobody: this process owns the database now.
  await rm(socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  await chmod(socket, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => rm(socket, { force: true })),
  };
}

/**
 * Asks the embedded hub running on DATA_DIR to write the backup. Undefined when none
 * answers there (Velvet stopped, or a stale socket); a refusal or failure is a BackupError.
 */
export function askRunningHub(
  env: Env,
  token: string,
  out: string,
): Promise<{ file: string; manifest: BackupManifest } | undefined> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath: channelPath(env.DATA_DIR),
        path: '/backup',
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('error', reject);
        res.on('end', () => {
          let answer: Answer;
          try {
            answer = JSON.parse(body) as Answer;
          } catch {
            return reject(new BackupError(`the running hub answered ${res.statusCode} without a result`));
          }
          if ('error' in answer) {
            return reject(
              new BackupError(
                res.statusCode === 401
                  ? 'the running hub refused the request: VELVET_SECRET differs from the one it runs with'
                  : `the running hub could not write the backup: ${answer.error}`,
              ),
            );
          }
          resolve(answer);
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(undefined);
      else reject(error);
    });
    req.end(JSON.stringify({ out }));
  });
}
