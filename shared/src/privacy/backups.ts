import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { VelvetConfig } from '../config/velvet-config';

/** What a scheduled backup is called: `velvet-2026-11-30T17-04-10-123Z.tar.gz`. */
export const BACKUP_NAME = /^velvet-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.tar\.gz$/;

export function backupName(at: Date): string {
  return `velvet-${at.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
}

/** Where scheduled backups go: `backups.dir`, or DATA_DIR/backups. */
export function backupsDir(config: Pick<VelvetConfig, 'backups'>, dataDir: string): string {
  return path.resolve(config.backups.dir ?? path.join(dataDir, 'backups'));
}

export interface BackupFile {
  name: string;
  size: number;
  createdAt: string;
}

/**
 * The backups in `dir`, newest first: only files named like a scheduled backup (anything
 * else there, half-written `.part` files included, is not listed and never served).
 */
export async function listBackups(dir: string): Promise<BackupFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: BackupFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !BACKUP_NAME.test(entry.name)) continue;
    const info = await stat(path.join(dir, entry.name)).catch(() => undefined);
    if (!info) continue;
    files.push({ name: entry.name, size: info.size, createdAt: info.mtime.toISOString() });
  }
  return files.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}
