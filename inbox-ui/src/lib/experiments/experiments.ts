import { z } from 'zod';
import { session } from '$lib/session.svelte';

const verdict = z.object({
  status: z.enum(['not_enough_data', 'no_clear_winner', 'significant']),
  leader: z.string().nullable(),
  pValue: z.number().nullable(),
  minSample: z.number(),
});

const variant = z.object({
  key: z.string(),
  text: z.string(),
  weight: z.number(),
  drafts: z.number(),
  blocked: z.number(),
  decided: z.number(),
  approved: z.number(),
  approvalRate: z.number().nullable(),
  approvalWithoutEditRate: z.number().nullable(),
  editDistance: z.number().nullable(),
  conversations: z.number(),
  converted: z.number(),
  conversion: z.number().nullable(),
  revenue: z.array(z.object({ currency: z.string(), cents: z.number() })),
});

export const experiment = z.object({
  id: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  intent: z.string(),
  name: z.string(),
  mode: z.enum(['append', 'replace']),
  status: z.enum(['running', 'stopped', 'promoted']),
  winner: z.string().nullable(),
  minSample: z.number(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  variants: z.array(variant),
  significance: z.object({ approval: verdict, conversion: verdict }),
  can: z.object({ stop: z.boolean(), promote: z.boolean() }),
});

const list = z.object({
  experiments: z.array(experiment),
  guidance: z.array(
    z.object({
      creatorId: z.string(),
      intent: z.string(),
      mode: z.enum(['append', 'replace']),
      text: z.string(),
      updatedAt: z.string(),
    }),
  ),
  definitions: z.record(z.string(), z.string()),
});

export type Experiment = z.output<typeof experiment>;
export type Verdict = z.output<typeof verdict>;
export type ExperimentList = z.output<typeof list>;

export const experimentsApi = {
  list: (query = '') => session.request(list, `/api/experiments${query}`),
  create: (
    creatorId: string,
    body: {
      intent: string;
      name: string;
      mode: 'append' | 'replace';
      variants: { text: string; weight: number }[];
      minSample: number;
    },
  ) =>
    session.request(experiment, `/api/creators/${encodeURIComponent(creatorId)}/experiments`, {
      method: 'POST',
      body,
    }),
  stop: (id: string) =>
    session.request(experiment, `/api/experiments/${encodeURIComponent(id)}/stop`, {
      method: 'POST',
      body: {},
    }),
  promote: (id: string, variant: string) =>
    session.request(experiment, `/api/experiments/${encodeURIComponent(id)}/promote`, {
      method: 'POST',
      body: { variant },
    }),
};

export const percent = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)} %`);
