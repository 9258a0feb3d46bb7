import { Router } from 'express';
import {
  createOfferBody,
  createPackBody,
  createPromoBody,
  patchPackBody,
  patchPromoBody,
  salesMetricsQuery,
} from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { SalesService } from './sales.service';

export function salesRoutes(sales: SalesService): Router {
  const router = Router();

  router.get('/creators/:id/packs', async (req, res) => {
    res.json({ packs: await sales.listPacks(actorOf(req), parseId(req.params.id, 'Creator')) });
  });
  router.post('/creators/:id/packs', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res
      .status(201)
      .json(await sales.createPack(actorOf(req), creatorId, parseBody(createPackBody, req.body)));
  });
  router.get('/packs/:id', async (req, res) => {
    res.json(await sales.getPack(actorOf(req), parseId(req.params.id, 'Pack')));
  });
  router.patch('/packs/:id', async (req, res) => {
    res.json(
      await sales.updatePack(
        actorOf(req),
        parseId(req.params.id, 'Pack'),
        parseBody(patchPackBody, req.body),
      ),
    );
  });
  router.delete('/packs/:id', async (req, res) => {
    await sales.deletePack(actorOf(req), parseId(req.params.id, 'Pack'));
    res.status(204).end();
  });

  router.get('/creators/:id/promo-codes', async (req, res) => {
    res.json({ promoCodes: await sales.listPromos(actorOf(req), parseId(req.params.id, 'Creator')) });
  });
  router.post('/creators/:id/promo-codes', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res
      .status(201)
      .json(await sales.createPromo(actorOf(req), creatorId, parseBody(createPromoBody, req.body)));
  });
  router.patch('/promo-codes/:id', async (req, res) => {
    res.json(
      await sales.updatePromo(
        actorOf(req),
        parseId(req.params.id, 'Promo code'),
        parseBody(patchPromoBody, req.body),
      ),
    );
  });

  router.get('/conversations/:id/sales', async (req, res) => {
    res.json(await sales.conversationSales(actorOf(req), parseId(req.params.id, 'Conversation')));
  });
  router.post('/conversations/:id/offers', async (req, res) => {
    const id = parseId(req.params.id, 'Conversation');
    res.status(201).json(await sales.createOffer(actorOf(req), id, parseBody(createOfferBody, req.body)));
  });
  router.post('/offers/:id/cancel', async (req, res) => {
    await sales.cancelOffer(actorOf(req), parseId(req.params.id, 'Offer'));
    res.status(204).end();
  });
  router.post('/follow-ups/:id/cancel', async (req, res) => {
    await sales.cancelFollowUp(actorOf(req), parseId(req.params.id, 'Follow-up'));
    res.status(204).end();
  });

  router.get('/sales/metrics', async (req, res) => {
    res.json(await sales.metrics(actorOf(req), parseBody(salesMetricsQuery, req.query)));
  });

  return router;
}
