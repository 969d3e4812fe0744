import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestSchemas, restRoutes, type RestRoute } from '@porchlight/protocol';
import { nearValid, valid } from './zodArbitrary.ts';

describe('zod -> fast-check deriver', () => {
  it.each(Object.entries(RequestSchemas))(
    '%s: valid values parse, mutations are mostly refused',
    (_, schema) => {
      const good = fc.sample(valid(schema), { numRuns: 60, seed: 16 });
      expect(good.filter((v) => schema.safeParse(v).success).length).toBeGreaterThanOrEqual(54);
      const bad = fc.sample(nearValid(schema), { numRuns: 60, seed: 16 });
      expect(bad.filter((v) => !schema.safeParse(v).success).length).toBeGreaterThan(20);
    },
  );

  it('every REST schema: derived values mostly parse and no mutation makes safeParse throw', () => {
    let total = 0;
    let parsed = 0;
    for (const route of Object.values(restRoutes) as RestRoute[]) {
      for (const schema of [route.params, route.query, route.body]) {
        for (const v of fc.sample(valid(schema), { numRuns: 10, seed: 16 })) {
          total++;
          if (schema.safeParse(v).success) parsed++;
        }
        for (const v of fc.sample(nearValid(schema), { numRuns: 10, seed: 16 }))
          expect(() => schema.safeParse(v)).not.toThrow();
      }
    }
    expect(parsed / total).toBeGreaterThan(0.85);
  });
});
