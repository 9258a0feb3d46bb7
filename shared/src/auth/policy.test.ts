import { describe, expect, it } from 'vitest';
import { abilities, can, type Actor } from './policy';

const actor = (role: Actor['role'], creatorIds: string[] = ['c1']): Actor => ({ id: 'u', role, creatorIds });

describe('can', () => {
  it('lets admins do everything, everywhere', () => {
    expect(can(actor('admin', []), 'creator:update', { creatorId: 'c9' })).toBe(true);
    expect(can(actor('admin', []), 'user:create')).toBe(true);
  });

  it('keeps other roles inside their creator scope', () => {
    for (const role of ['manager', 'chatter', 'model'] as const) {
      expect(can(actor(role), 'creator:read', { creatorId: 'c1' })).toBe(true);
      expect(can(actor(role), 'creator:read', { creatorId: 'c2' })).toBe(false);
    }
  });

  it('reserves management to managers', () => {
    expect(can(actor('manager'), 'creator:update', { creatorId: 'c1' })).toBe(true);
    expect(can(actor('chatter'), 'creator:update', { creatorId: 'c1' })).toBe(false);
    expect(can(actor('model'), 'account:create', { creatorId: 'c1' })).toBe(false);
    expect(can(actor('manager'), 'user:create')).toBe(false);
  });

  it('lists collection abilities for the UI', () => {
    expect(abilities(actor('chatter'))).toEqual(['creator:list', 'shift:update']);
    expect(abilities(actor('admin'))).toContain('user:create');
    // The creators screen offers editing to those who may edit the creators they see.
    expect(abilities(actor('manager'))).toContain('creator:update');
    expect(abilities(actor('model'))).not.toContain('creator:update');
    // The catalog: managers edit it and read the figures; models only read their figures.
    expect(abilities(actor('manager'))).toEqual(expect.arrayContaining(['pack:write', 'sales:read']));
    expect(abilities(actor('model'))).toContain('sales:read');
    expect(abilities(actor('model'))).not.toContain('pack:write');
    expect(abilities(actor('chatter'))).not.toContain('sales:read');
    // Content and posts: managers change them, models see their own, chatters neither.
    expect(abilities(actor('manager'))).toEqual(
      expect.arrayContaining(['media:read', 'media:write', 'post:read', 'post:write']),
    );
    expect(abilities(actor('model'))).toEqual(expect.arrayContaining(['media:read', 'post:read']));
    expect(abilities(actor('model'))).not.toContain('post:write');
    expect(abilities(actor('model'))).not.toContain('media:write');
    // Prompt experiments: managers run them, models read their figures, chatters neither.
    expect(abilities(actor('manager'))).toEqual(
      expect.arrayContaining(['experiment:read', 'experiment:write']),
    );
    expect(abilities(actor('model'))).toContain('experiment:read');
    expect(abilities(actor('model'))).not.toContain('experiment:write');
    expect(can(actor('model'), 'experiment:read', { creatorId: 'c2' })).toBe(false);
  });
});
