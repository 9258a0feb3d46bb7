import { loadEnv } from '@velvet/shared';
import { BackupError, createBackup, restoreBackup } from './backup';

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
    const { file, manifest } = await createBackup(env, out);
    console.error(
      `backup: ${manifest.counts.messages} messages, ${manifest.mediaFiles} media files in ${Date.now() - started} ms`,
    );
    console.log(file);
    return 0;
  }
  if (command === 'restore') {
    const file = args.find((a) => !a.startsWith('--'));
    if (!file) throw new BackupError('usage: npm run restore -- FILE [--force]');
    const started = Date.now();
    const manifest = await restoreBackup(env, file, args.includes('--force'));
    console.log(
      `restored ${file} (taken ${manifest.createdAt}): ${manifest.counts.messages} messages, ${manifest.mediaFiles} media files in ${Date.now() - started} ms`,
    );
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
