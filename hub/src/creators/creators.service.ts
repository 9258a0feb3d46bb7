import {
  auditRepo,
  automationDefaultsOf,
  can,
  creatorsRepo,
  NotFound,
  usersRepo,
  type Actor,
  type AutomationDefaults,
  type CreateCreatorBody,
  type CreatorRecord,
  type CreatorView,
  type PatchCreatorBody,
} from '@velvet/shared';
import type { HubContext } from '../context';
import type { AccessEvents } from '../auth/session-gate';
import { authorize } from '../http/authorize';
import { presentCreator } from './creators.presenter';

/** What else archiving a creator sets off: its waiting drafts are withdrawn. */
export interface CreatorHooks {
  archived(creatorId: string): Promise<number>;
}

export function createCreatorsService(ctx: HubContext, access: AccessEvents, hooks?: CreatorHooks) {
  const { db } = ctx;

  /** 404 for a creator that does not exist, 403 for one outside the actor's scope. */
  async function load(
    actor: Actor,
    id: string,
    action: 'creator:read' | 'creator:update' | 'creator:archive' | 'conversation:assign_others',
  ): Promise<CreatorRecord> {
    const creator = await creatorsRepo.findById(db, id);
    if (!creator) throw new NotFound('Creator');
    authorize(actor, action, { creatorId: creator.id });
    return creator;
  }

  return {
    load,

    async create(actor: Actor, body: CreateCreatorBody): Promise<CreatorView> {
      authorize(actor, 'creator:create');
      // A manager who creates a creator works for it from then on.
      const creator = await creatorsRepo.create(db, body, actor.role === 'admin' ? undefined : actor.id);
      if (actor.role !== 'admin') await access.scopeAdded(actor.id, creator.id);
      await auditRepo.record(db, {
        actorId: actor.id,
        action: 'creator.create',
        creatorId: creator.id,
        targetType: 'creator',
        targetId: creator.id,
        data: { name: creator.name },
      });
      return presentCreator(creator);
    },

    async list(actor: Actor, archived: 'exclude' | 'only' | 'all' = 'exclude'): Promise<CreatorView[]> {
      authorize(actor, 'creator:list');
      const rows = await creatorsRepo.list(
        db,
        actor.role === 'admin' ? undefined : actor.creatorIds,
        archived === 'all' ? 'include' : archived,
      );
      return rows.map(presentCreator);
    },

    automationDefaults(actor: Actor): AutomationDefaults {
      authorize(actor, 'creator:list');
      return automationDefaultsOf(ctx.config);
    },

    /**
     * Archived: out of the default lists, and the workers send nothing automated for it
     * (drafts, offers, follow-ups, welcomes); fans' messages are still stored and shown.
     * Drafts already waiting are withdrawn: approving one would send an automated reply.
     */
    async archive(actor: Actor, id: string, archived: boolean): Promise<CreatorView> {
      const creator = await load(actor, id, 'creator:archive');
      if (archived === (creator.archivedAt !== null)) return presentCreator(creator);
      const updated = await creatorsRepo.update(db, id, { archivedAt: archived ? ctx.now() : null });
      if (!updated) throw new NotFound('Creator');
      const retiredDrafts = archived && hooks ? await hooks.archived(id) : 0;
      await auditRepo.record(db, {
        actorId: actor.id,
        action: archived ? 'creator.archive' : 'creator.unarchive',
        targetType: 'creator',
        targetId: id,
        data: { name: creator.name, ...(retiredDrafts > 0 ? { retiredDrafts } : {}) },
      });
      return presentCreator(updated);
    },

    /** Who may take this creator's conversations: the people an assigner can pick from. */
    async team(actor: Actor, id: string) {
      await load(actor, id, 'conversation:assign_others');
      const users = await usersRepo.list(db);
      return users
        .filter((u) => !u.disabledAt && can(u, 'conversation:reply', { creatorId: id }))
        .map((u) => ({ id: u.id, email: u.email, role: u.role }));
    },

    async get(actor: Actor, id: string): Promise<CreatorView> {
      return presentCreator(await load(actor, id, 'creator:read'));
    },

    async update(actor: Actor, id: string, patch: PatchCreatorBody): Promise<CreatorView> {
      await load(actor, id, 'creator:update');
      const updated = await creatorsRepo.update(db, id, patch);
      if (!updated) throw new NotFound('Creator');
      await auditRepo.record(db, {
        actorId: actor.id,
        action: 'creator.update',
        creatorId: id,
        targetType: 'creator',
        targetId: id,
        data: { fields: Object.keys(patch) },
      });
      return presentCreator(updated);
    },
  };
}

export type CreatorsService = ReturnType<typeof createCreatorsService>;
