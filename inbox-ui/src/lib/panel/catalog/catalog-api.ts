import { z } from 'zod';
import {
  packMediaUpload,
  packView,
  promoCodeView,
  salesMetricsView,
  type SALES_GROUPS,
} from '@velvet/shared/contract';
import { badResponse, readJson, type ApiResult } from '$lib/api';
import { session } from '$lib/session.svelte';

/* The catalog screen's calls to the hub, each answer parsed with the contract's schemas. */

export type PackView = z.output<typeof packView>;
export type PackMedia = PackView['media'][number];
export type PromoCodeView = z.output<typeof promoCodeView>;
export type SalesMetrics = z.output<typeof salesMetricsView>;
export type SalesGroup = (typeof SALES_GROUPS)[number];
export type MediaUpload = z.output<typeof packMediaUpload>;

const packs = z.object({ packs: z.array(packView) });
const promoCodes = z.object({ promoCodes: z.array(promoCodeView) });
const nothing = z.undefined();
const id = (value: string) => encodeURIComponent(value);

/** Where the hub serves an uploaded pack file (the route needs the Bearer token). */
export const packMediaUrl = (creatorId: string, file: string) =>
  `/api/creators/${id(creatorId)}/pack-media/${id(file)}`;

export const catalogApi = {
  packs: (creatorId: string) => session.request(packs, `/api/creators/${id(creatorId)}/packs`),
  createPack: (creatorId: string, body: Record<string, unknown>) =>
    session.request(packView, `/api/creators/${id(creatorId)}/packs`, { method: 'POST', body }),
  updatePack: (packId: string, body: Record<string, unknown>) =>
    session.request(packView, `/api/packs/${id(packId)}`, { method: 'PATCH', body }),
  deletePack: (packId: string) => session.request(nothing, `/api/packs/${id(packId)}`, { method: 'DELETE' }),

  /** One photo or video for a pack; the hub checks its bytes and size. */
  uploadMedia: async (creatorId: string, file: File): Promise<ApiResult<MediaUpload>> => {
    const form = new FormData();
    form.set('file', file, file.name);
    const result = await session.fetch(`/api/creators/${id(creatorId)}/pack-media`, {
      method: 'POST',
      body: form,
    });
    if (!result.ok) return result;
    const parsed = packMediaUpload.safeParse(await readJson(result.data));
    return parsed.success ? { ok: true, data: parsed.data } : badResponse(result.data.status);
  },
  media: async (url: string): Promise<ApiResult<Blob>> => {
    const result = await session.fetch(url);
    return result.ok ? { ok: true, data: await result.data.blob() } : result;
  },

  promoCodes: (creatorId: string) =>
    session.request(promoCodes, `/api/creators/${id(creatorId)}/promo-codes`),
  createPromo: (creatorId: string, body: Record<string, unknown>) =>
    session.request(promoCodeView, `/api/creators/${id(creatorId)}/promo-codes`, { method: 'POST', body }),
  updatePromo: (promoId: string, body: { active: boolean }) =>
    session.request(promoCodeView, `/api/promo-codes/${id(promoId)}`, { method: 'PATCH', body }),

  /** Without `creatorId`: every creator the person may see. */
  metrics: (query: { creatorId?: string; by: SalesGroup; from: string; to: string }) =>
    session.request(
      salesMetricsView,
      `/api/sales/metrics?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined) as [string, string][])}`,
    ),
};
