import { describe, expect, it } from 'vitest';
import { jobOptions } from './queues';

describe('jobOptions', () => {
  it('deduplicates by message id', () => {
    expect(jobOptions({ name: 'inbound.process', data: { messageId: 'm1' } }).jobId).toBe('m1');
    expect(jobOptions({ name: 'outbound.send', data: { messageId: 'm2' } })).toMatchObject({
      jobId: 'm2',
      backoff: { type: 'platform' },
    });
    expect(jobOptions({ name: 'draft.generate', data: { messageId: 'm3', selling: false } }).jobId).toBe(
      'draft-m3',
    );
  });

  it('drafts for paying fans first', () => {
    const paying = jobOptions({
      name: 'draft.generate',
      data: { messageId: 'a', selling: true, paying: true },
    });
    const other = jobOptions({ name: 'draft.generate', data: { messageId: 'b', selling: true } });
    expect(paying.priority!).toBeLessThan(other.priority!);
  });
});
