import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadEnv, resolveSecret, type Env } from '@velvet/shared';
import { BackupError, createBackup, defaultBackupFile, restoreBackup } from './backup';
import { askRunningHub, channelPath, channelToken } from './backup.channel';

/**
 * The embedded database can only be copied by the hub that holds it: when one runs on
 * DATA_DIR, it writes the file; otherwise this process opens the database itself.
 */
async function backup(env: Env, out: string | undefined) {
  const file = path.resolve(out ?? defaultBackupFile(env));
  if (!env.DATABASE_URL && existsSync(channelPath(env.DATA_DIR))) {
    const token = channelToken(resolveSecret(env.VELVET_SECRET, env.DATA_DIR));
    const written = await askRunningHub(env, token, file);
    if (written) return { ...written, by: 'the running hub' };
  }
  return { ...(await createBackup(env, file)), by: 'this process' };
}

/**
 * `npm run backup [-- --out FILE]` and `npm run restore -- FILE [--force]`, with the same
 * environment as the hub (DATABASE_URL, DATA_DIR, MEDIA_DIR).
 */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const env = loadEnv(process.env);
  if (command === 'backup') {
    const at = args.indexOf('--out');
    const out = at >= 0 ? args[at + 1] : undefined;
    if (at >= 0 && !out) throw new BackupError('--out needs a file name');
    const started = Date.now();
    const { file, manifest, by } = await backup(env, out);
    console.error(
      `backup: ${manifest.counts.messages} messages, ${manifest.mediaFiles} media files in ${Date.now() - started} ms (written by ${by})`,
    );
    console.log(file);
    return 0;
  }
  if (command === 'restore') {
    const file = args.find((a) => !a.startsWith('--'));
    if (!file) throw new BackupError('usage: npm run restore -- FILE [--force]');
    const started = Date.now();
    const { manifest, reapplied } = await restoreBackup(env, file, args.includes('--force'));
    console.log(
      `restored ${file} (taken ${manifest.createdAt}): ${manifest.counts.messages} messages, ${manifest.mediaFiles} media files in ${Date.now() - started} ms`,
    );
    if (reapplied > 0) console.log(`erased again ${reapplied} fans erased after this backup was taken`);
    return 0;
  }
  throw new BackupError('usage: backup.cli.ts backup [--out FILE] | restore FILE [--force]');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    process.exit(1);
  },
);
