import type { CreatorRecord, CreatorView } from '@velvet/shared';

export function presentCreator(row: CreatorRecord): CreatorView {
  return {
    id: row.id,
    name: row.name,
    pseudonym: row.pseudonym,
    timezone: row.timezone,
    market: row.market,
    persona: row.persona,
    constraints: row.constraints,
    quietHours: row.quietHours ?? null,
    disclosure: row.disclosure,
    sendPolicy: row.sendPolicy as CreatorView['sendPolicy'],
    automation: row.automation,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
