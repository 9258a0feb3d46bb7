import { describe, expect, it } from 'vitest';
import { significance, variantFigures, type ExperimentDraft } from './experiments.figures';

const draft = (over: Partial<ExperimentDraft>): ExperimentDraft => ({
  variant: 'A',
  conversationId: 'c1',
  status: 'approved',
  text: 'Coucou',
  editedText: null,
  byPerson: true,
  ...over,
});

describe('experiment figures per variant', () => {
  it('counts approvals and edits over people’s decisions, conversion over conversations reached', () => {
    const drafts = [
      draft({}),
      draft({ editedText: 'Coucou !!' }),
      draft({ status: 'rejected', conversationId: 'c2' }),
      draft({ status: 'blocked', conversationId: 'c3' }),
      // Sent by policy: reaches the fan, but nobody decided on it.
      draft({ status: 'auto_sent', conversationId: 'c4', byPerson: false }),
      draft({ variant: 'B' }),
    ];
    const sales = [
      { variant: 'A', conversationId: 'c4', currency: 'EUR', cents: 1200, purchases: 1 },
      // A purchase in a conversation no reply of A reached counts for nothing.
      { variant: 'A', conversationId: 'c2', currency: 'EUR', cents: 900, purchases: 1 },
    ];
    expect(variantFigures({ key: 'A', text: '', weight: 50 }, drafts, sales)).toEqual({
      key: 'A',
      text: '',
      weight: 50,
      drafts: 5,
      blocked: 1,
      decided: 3,
      approved: 2,
      approvalRate: 0.667,
      approvedWithoutEdit: 1,
      approvalWithoutEditRate: 0.333,
      // "Coucou" → "Coucou !!": 3 of 9 characters.
      editDistance: 0.167,
      conversations: 2,
      converted: 1,
      conversion: 0.5,
      revenue: [{ currency: 'EUR', cents: 1200 }],
    });
  });

  it('gives no verdict below the minimum sample', () => {
    const a = variantFigures({ key: 'A', text: '', weight: 1 }, [draft({})], []);
    const b = variantFigures({ key: 'B', text: 'x', weight: 1 }, [draft({ variant: 'B' })], []);
    expect(significance([a, b], 30).approval).toEqual({
      status: 'not_enough_data',
      leader: null,
      pValue: null,
      minSample: 30,
    });
  });
});
