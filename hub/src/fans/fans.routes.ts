import { Router } from 'express';
import { accountsRepo, auditRepo, fansRepo, NotFound, type Action, type Actor } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { parseId } from '../http/validate';

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
      await auditRepo.record(tx, { actorId: actor.id, action, targetType: 'fan', targetId: fan.id });
    });
  }

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
