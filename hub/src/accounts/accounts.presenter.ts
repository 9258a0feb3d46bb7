import type { AccountRecord, AccountView } from '@velvet/shared';

/** Chooses the fields that leave the server: the sealed credentials never do. */
export function presentAccount(row: AccountRecord, publicUrl: string): AccountView {
  return {
    id: row.id,
    creatorId: row.creatorId,
    platform: row.platform,
    label: row.label,
    status: row.status,
    webhookUrl: `${publicUrl}/webhooks/${row.platform}/${row.id}`,
    settings: row.settings,
    createdAt: row.createdAt.toISOString(),
  };
}
