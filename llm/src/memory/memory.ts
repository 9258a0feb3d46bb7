import { ChromaClient, type Collection } from 'chromadb';
import type { Recollection } from '../drafting/fan-context';

/** One thing worth remembering about a fan: a message of theirs or the creator's, or a note. */
export interface MemoryEntry {
  /** Stable: storing the same id again replaces it (a message id, or a note's hash). */
  id: string;
  creatorId: string;
  fanId: string;
  from: Recollection['from'];
  text: string;
  at: Date;
}

/**
 * The vector memory of conversations. Every call may fail (the store or the embedding model
 * down); callers decide what that means: drafting goes on without memory.
 */
export interface FanMemory {
  readonly enabled: boolean;
  /** The ids among `ids` already stored, so they are not embedded again. */
  stored(ids: string[]): Promise<Set<string>>;
  /** Embeds and stores the entries (replacing those with the same id). */
  remember(entries: MemoryEntry[]): Promise<void>;
  /** The `k` stored entries of the fan closest to `text`, leaving out `exclude` ids. */
  recall(query: { fanId: string; text: string; k: number; exclude?: string[] }): Promise<Recollection[]>;
  /** Ids of the fan's stored notes (`from: 'fact'`), to drop the ones no longer written. */
  facts(fanId: string): Promise<string[]>;
  delete(ids: string[]): Promise<void>;
  /** Deletes every vector of the fan; the number there was. */
  forget(fanId: string): Promise<number>;
  count(fanId: string): Promise<number>;
}

/** Memory off (no OLLAMA_EMBED_MODEL): nothing stored, nothing recalled. */
export const NO_MEMORY: FanMemory = {
  enabled: false,
  stored: async () => new Set(),
  remember: async () => {},
  recall: async () => [],
  facts: async () => [],
  delete: async () => {},
  forget: async () => 0,
  count: async () => 0,
};

export interface ChromaMemoryOptions {
  /** CHROMA_URL, e.g. http://127.0.0.1:8000. */
  url: string;
  /** Embedding model name; part of the collection's name, as vectors of two models do not compare. */
  model: string;
  /** Texts to vectors, e.g. Ollama's `/api/embed` with that model. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  /** Keeps deployments sharing one Chroma apart (VELVET_REDIS_PREFIX). */
  namespace: string;
}

/** A Chroma collection name: 3–512 of [a-zA-Z0-9._-], starting and ending with a letter or digit. */
export function collectionName(namespace: string, model: string): string {
  const clean = `${namespace}-memory-${model}`.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/-+/g, '-');
  return clean.replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, '').slice(0, 200) || 'velvet-memory';
}

type Meta = { creatorId: string; fanId: string; from: string; at: number };

/**
 * Vector memory in Chroma. Embeddings are always passed explicitly (the collection has no
 * embedding function: Chroma's default one downloads a model, which fails offline). Cosine
 * distance; one collection per deployment and embedding model; each record carries its fan.
 */
export function createChromaMemory(options: ChromaMemoryOptions): FanMemory {
  const url = new URL(options.url);
  const client = new ChromaClient({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    ssl: url.protocol === 'https:',
  });
  const name = collectionName(options.namespace, options.model);
  let collection: Promise<Collection> | undefined;
  const open = () => {
    collection ??= client
      .getOrCreateCollection({ name, embeddingFunction: null, configuration: { hnsw: { space: 'cosine' } } })
      .catch((error: unknown) => {
        collection = undefined;
        throw error;
      });
    return collection;
  };

  return {
    enabled: true,
    async stored(ids) {
      if (ids.length === 0) return new Set();
      const found = await (await open()).get({ ids, include: [] });
      return new Set(found.ids);
    },
    async remember(entries) {
      if (entries.length === 0) return;
      const embeddings = await options.embed(entries.map((e) => e.text));
      await (
        await open()
      ).upsert({
        ids: entries.map((e) => e.id),
        embeddings,
        documents: entries.map((e) => e.text),
        metadatas: entries.map((e): Meta => ({
          creatorId: e.creatorId,
          fanId: e.fanId,
          from: e.from,
          at: e.at.getTime(),
        })),
      });
    },
    async recall({ fanId, text, k, exclude = [] }) {
      if (k <= 0) return [];
      const [embedding] = await options.embed([text]);
      const result = await (
        await open()
      ).query<Meta>({
        queryEmbeddings: [embedding!],
        nResults: k + exclude.length,
        where: { fanId },
        include: ['documents', 'metadatas', 'distances'],
      });
      const skip = new Set(exclude);
      const ids = result.ids[0] ?? [];
      return ids
        .map((id, i) => ({ id, text: result.documents[0]?.[i], meta: result.metadatas[0]?.[i] }))
        .filter((row) => !skip.has(row.id) && row.text && row.meta)
        .slice(0, k)
        .map((row) => ({
          text: row.text!,
          from: row.meta!.from as Recollection['from'],
          at: new Date(row.meta!.at),
        }));
    },
    async facts(fanId) {
      const found = await (await open()).get({ where: { $and: [{ fanId }, { from: 'fact' }] }, include: [] });
      return found.ids;
    },
    async delete(ids) {
      if (ids.length > 0) await (await open()).delete({ ids });
    },
    async forget(fanId) {
      const store = await open();
      const before = await store.get({ where: { fanId }, include: [] });
      if (before.ids.length > 0) await store.delete({ ids: before.ids });
      return before.ids.length;
    },
    async count(fanId) {
      return (await (await open()).get({ where: { fanId }, include: [] })).ids.length;
    },
  };
}

/** Rejects once `ms` have passed: a slow store must not hold a draft. */
export async function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
