import { Router } from 'express';
import { accountsRepo, auditRepo, fansRepo, NotFound, type Action, type Actor } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { parseBody, parseId } from '../http/validate';
import { fanActivity, findFanWithCreator, presentFan, updateFanNotes } from './fan-panel.query';
import { updateFanBody } from './fans.schema';

/** Human overrides of the safety gates: only people may undo what the gates decided. */
export function fansRoutes(ctx: HubContext): Router {
  const router = Router();

  async function act(
    actor: Actor,
    fanId: string,
    action: Action,
    update: Parameters<typeof fansRepo.updateSafety>[2],
  ) {
    const fan = await fansRepo.findById(ctx.db, fanId);
    const account = fan && (await accountsRepo.findById(ctx.db, fan.accountId));
    if (!fan || !account) throw new NotFound('Fan');
    authorize(actor, action, { creatorId: account.creatorId });
    await ctx.db.transaction(async (tx) => {
      await fansRepo.updateSafety(tx, fan.id, update);
      await auditRepo.record(tx, {
        actorId: actor.id,
        action,
        creatorId: account.creatorId,
        targetType: 'fan',
        targetId: fan.id,
      });
    });
  }

  async function loadFan(actor: Actor, fanId: string, action: Action) {
    const row = await findFanWithCreator(ctx.db, fanId);
    if (!row) throw new NotFound('Fan');
    authorize(actor, action, { creatorId: row.creatorId });
    return row;
  }

  /** The fan panel: profile, safety status, spend, purchases, open offers, follow-ups. */
  router.get('/fans/:id', async (req, res) => {
    const { fan, platform } = await loadFan(actorOf(req), parseId(req.params.id, 'Fan'), 'conversation:read');
    res.json({ fan: presentFan(fan, platform), ...(await fanActivity(ctx.db, fan.id)) });
  });

  /** Operators' notes and tags: whoever may answer the fan may annotate them. */
  router.patch('/fans/:id', async (req, res) => {
    const actor = actorOf(req);
    const { fan, platform } = await loadFan(actor, parseId(req.params.id, 'Fan'), 'conversation:reply');
    const patch = parseBody(updateFanBody, req.body);
    const updated = await ctx.db.transaction(async (tx) => {
      const row = await updateFanNotes(tx, fan.id, patch);
      await auditRepo.record(tx, {
        actorId: actor.id,
        action: 'fan.update',
        targetType: 'fan',
        targetId: fan.id,
        data: { fields: Object.keys(patch) },
      });
      return row;
    });
    if (!updated) throw new NotFound('Fan');
    res.json(presentFan(updated, platform));
  });

  router.post('/fans/:id/clear-minor', async (req, res) => {
    await act(actorOf(req), parseId(req.params.id, 'Fan'), 'fan:clear_minor', { minorSignalAt: null });
    res.status(204).end();
  });

  router.post('/fans/:id/unmute', async (req, res) => {
    await act(actorOf(req), parseId(req.params.id, 'Fan'), 'fan:unmute', {
      mutedAt: null,
      spamStrikes: 0,
      spamCooldownUntil: null,
    });
    res.status(204).end();
  });

  return router;
}
