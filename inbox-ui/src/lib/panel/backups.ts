import { z } from 'zod';
import type { ApiResult } from '$lib/api';
import type { Lang } from '$lib/i18n';
import { session } from '$lib/session.svelte';

const backupFile = z.object({ name: z.string(), size: z.number(), createdAt: z.string() });
export type BackupFile = z.output<typeof backupFile>;

const backupsListing = z.object({
  backups: z.array(backupFile),
  last: z
    .object({
      at: z.string(),
      ok: z.boolean(),
      name: z.string().optional(),
      size: z.number().optional(),
      durationMs: z.number().optional(),
      error: z.string().optional(),
    })
    .nullable(),
  schedule: z.object({ enabled: z.boolean(), everyMs: z.number(), keep: z.number(), supported: z.boolean() }),
});
export type BackupsListing = z.output<typeof backupsListing>;

const BACKUP_NAME = /^velvet-[\dT-]+Z\.tar\.gz$/;

export const backupsApi = {
  list: () => session.request(backupsListing, '/api/backups'),
  /** One backup as a Blob: the route needs the token, so no plain link. */
  download: async (name: string): Promise<ApiResult<Blob>> => {
    if (!BACKUP_NAME.test(name)) return { ok: false, status: 0, code: 'bad_name', message: '' };
    const result = await session.fetch(`/api/backups/${encodeURIComponent(name)}`);
    return result.ok ? { ok: true, data: await result.data.blob() } : result;
  },
};

export const backupsText = {
  en: {
    title: 'Backups',
    intro: 'Copies of the whole database and media, taken by Velvet on a schedule. Only admins see them.',
    schedule: 'A backup every {every}, keeping the newest {keep}.',
    scheduleOff: 'Scheduled backups are turned off (backups.enabled in velvet.yaml).',
    unsupported:
      'This database cannot be copied while Velvet runs, so no backup is scheduled. Stop Velvet and run “npm run backup” instead.',
    lastOk: 'Last backup {when}: {name}, {size}, written in {duration}.',
    lastFailed: 'The last backup, {when}, failed: {error}. Earlier backups are kept.',
    never: 'No scheduled backup has run yet.',
    listTitle: 'Kept backups',
    none: 'No backup in the backups directory yet.',
    name: 'Name',
    size: 'Size',
    date: 'Date',
    download: 'Download',
    downloading: 'Downloading…',
    downloadLabel: 'Download {name}',
    downloadFailed: 'The download failed: {e}',
    hours: '{n} h',
    minutes: '{n} min',
    seconds: '{n} s',
  },
  fr: {
    title: 'Sauvegardes',
    intro:
      'Copies de toute la base de données et des médias, faites par Velvet à intervalle régulier. Seuls les admins les voient.',
    schedule: 'Une sauvegarde toutes les {every}, les {keep} plus récentes sont gardées.',
    scheduleOff: 'Les sauvegardes planifiées sont désactivées (backups.enabled dans velvet.yaml).',
    unsupported:
      'Cette base ne peut pas être copiée pendant que Velvet tourne : aucune sauvegarde n’est planifiée. Arrêtez Velvet et lancez « npm run backup ».',
    lastOk: 'Dernière sauvegarde {when} : {name}, {size}, écrite en {duration}.',
    lastFailed:
      'La dernière sauvegarde, {when}, a échoué : {error}. Les sauvegardes précédentes sont gardées.',
    never: 'Aucune sauvegarde planifiée n’a encore été faite.',
    listTitle: 'Sauvegardes gardées',
    none: 'Aucune sauvegarde dans le dossier des sauvegardes pour l’instant.',
    name: 'Nom',
    size: 'Taille',
    date: 'Date',
    download: 'Télécharger',
    downloading: 'Téléchargement…',
    downloadLabel: 'Télécharger {name}',
    downloadFailed: 'Le téléchargement a échoué : {e}',
    hours: '{n} h',
    minutes: '{n} min',
    seconds: '{n} s',
  },
} satisfies Record<Lang, Record<string, string>>;

export type BackupsText = (typeof backupsText)[Lang];

/** 1536 → "1.5 KB", in the reader's number format. */
export function formatSize(bytes: number, lang: Lang): string {
  const units = lang === 'fr' ? ['o', 'Ko', 'Mo', 'Go', 'To'] : ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toLocaleString(lang, { maximumFractionDigits: digits })} ${units[unit]}`;
}

/** A period in the largest whole unit: 86400000 → "24 h". */
export function formatPeriod(ms: number, t: BackupsText): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return t.hours.replace('{n}', String(ms / 3_600_000));
  if (ms >= 60_000 && ms % 60_000 === 0) return t.minutes.replace('{n}', String(ms / 60_000));
  return t.seconds.replace('{n}', String(Math.round(ms / 100) / 10));
}

export function formatDate(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });
}
