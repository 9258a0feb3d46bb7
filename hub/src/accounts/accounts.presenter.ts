import type { AccountRecord, AccountView } from '@velvet/shared';

/** Chooses the fields that leave the server: the sealed credentials never do. */
export function presentAccount(
  row: AccountRecord,
  publicUrl: string,
  lastError: string | null = null,
): AccountView {
  return {
    id: row.id,
    creatorId: row.creatorId,
    platform: row.platform,
    label: row.label,
    status: row.status,
    webhookUrl: `${publicUrl}/webhooks/${row.platform}/${row.id}`,
    settings: row.settings,
    lastError: row.status === 'needs_attention' ? lastError : null,
    createdAt: row.createdAt.toISOString(),
  };
}
