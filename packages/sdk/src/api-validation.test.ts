import { describe, expect, it } from 'vitest';
import { PorchlightApi } from './api.ts';
import { ApiError } from './errors.ts';

const answering = (body: unknown): typeof fetch =>
  (async () =>
    new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    })) as typeof fetch;

const site = { id: 's1', name: 'Home', createdAt: 1 };

describe('PorchlightApi response checks', () => {
  it('rejects an answer that breaks the contract when validating (the default in tests)', async () => {
    const api = new PorchlightApi({
      url: 'https://h',
      getToken: () => 'tok',
      fetch: answering([{ ...site, name: 42 }]),
    });
    const error = await api.listSites().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('INTERNAL');
    expect((error as ApiError).message).toMatch(
      /GET \/api\/v1\/sites breaks the contract at 0\.name/,
    );
  });

  it('passes answers through untouched, valid or not, when validation is off', async () => {
    const off = { url: 'https://h', getToken: () => 'tok', validateResponses: false };
    const bad = [{ ...site, name: 42 }];
    expect(await new PorchlightApi({ ...off, fetch: answering(bad) }).listSites()).toEqual(bad);
    // Extra fields a newer server sends are kept, validating or not.
    const newer = [{ ...site, colour: 'blue' }];
    const on = new PorchlightApi({ ...off, validateResponses: true, fetch: answering(newer) });
    expect(await on.listSites()).toEqual(newer);
  });
});
