import { describe, expect, it } from 'vitest';
import type { ApiFailure } from '$lib/api';
import { fieldErrors } from './panel-api';
import { failureText, panelText } from './panel-i18n';

const refused = (fields: { path: string; message: string }[]): ApiFailure => ({
  ok: false,
  status: 422,
  code: 'validation_failed',
  message: fields.map((f) => `${f.path}: ${f.message}`).join('; '),
  fields,
});

describe('the hub’s field messages, placed beside the fields', () => {
  it('keys them by form field, the first message of each', () => {
    const failure = refused([
      { path: 'credentials.token', message: 'must be a token' },
      { path: 'label', message: 'too long' },
      { path: 'constraints.2', message: 'is required' },
      { path: 'constraints.4', message: 'is required too' },
      { path: 'quietHours.end', message: 'must be a time like 08:00' },
    ]);
    expect(fieldErrors(failure)).toEqual({
      'credentials.token': 'must be a token',
      label: 'too long',
      constraints: 'is required',
      'quietHours.end': 'must be a time like 08:00',
    });
    expect(fieldErrors(failure, 'credentials')).toEqual({ token: 'must be a token' });
  });

  it('points at the fields when there are some, and says the rest in the hub’s words', () => {
    const t = panelText.en;
    expect(failureText(refused([{ path: 'email', message: 'bad' }]), t)).toBe(t.formHasErrors);
    const conflict: ApiFailure = { ok: false, status: 409, code: 'conflict', message: 'last admin' };
    expect(failureText(conflict, t)).toBe('last admin');
    expect(failureText({ ok: false, status: 0, code: 'network_error', message: '' }, t)).toBe(t.networkError);
  });

  it('has every string in French and in English', () => {
    expect(Object.keys(panelText.fr).sort()).toEqual(Object.keys(panelText.en).sort());
  });
});
