/**
 * fast-check arbitraries derived from the protocol's zod (v4) schemas: `valid(schema)` generates
 * values shaped like the schema (for the zod kinds packages/protocol uses; refinements are not
 * modelled, so a few generated values may still be rejected), `nearValid(schema)` mutates such
 * values the way a hostile client would (wrong types, boundary numbers, huge strings, deep
 * nesting, unicode with bidi/NUL, prototype keys, missing and extra fields).
 */
import fc from 'fast-check';
import type { z } from 'zod';

interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
}
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  [key: string]: unknown;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def): CheckDef[] => (def.checks ?? []).map((c) => c._zod.def);

function lengthBounds(def: Def, dflt: number): { min: number; max: number } {
  let min = 0;
  let max = dflt;
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') min = Math.max(min, c.minimum!);
    if (c.check === 'max_length') max = Math.min(max, c.maximum!);
    if (c.check === 'length_equals') min = max = c.length!;
  }
  return { min, max: Math.max(min, max) };
}

function numberArb(def: Def): fc.Arbitrary<number> {
  let min = -1e9;
  let max = 1e9;
  let int = false;
  for (const c of checksOf(def)) {
    if (c.check === 'number_format') int = true;
    if (c.check === 'greater_than') min = c.inclusive ? c.value! : c.value! + (int ? 1 : 1e-6);
    if (c.check === 'less_than') max = c.inclusive ? c.value! : c.value! - (int ? 1 : 1e-6);
  }
  if (int) return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function stringArb(def: Def): fc.Arbitrary<string> {
  const { min, max } = lengthBounds(def, 40);
  const regex = checksOf(def).find((c) => c.format === 'regex')?.pattern;
  // Length bounds beside a regex are approximated by cutting (a filter could spin forever).
  if (regex) return fc.stringMatching(regex).map((s) => (s.length > max ? s.slice(0, max) : s));
  return fc.string({ minLength: Math.max(min, 1), maxLength: Math.min(max, 40) });
}

/** Values of the schema's shape. */
export function valid(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const inner = (s: unknown) => valid(s as z.ZodType, depth + 1);
  switch (def.type) {
    case 'string':
      return stringArb(def);
    case 'number':
      return numberArb(def);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'literal':
      return fc.constantFrom(...(def['values'] as unknown[]));
    case 'enum':
      return fc.constantFrom(...Object.values(def['entries'] as Record<string, unknown>));
    case 'optional':
      return fc.option(inner(def['innerType']), { nil: undefined });
    case 'nullable':
      return fc.option(inner(def['innerType']), { nil: null });
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return inner(def['innerType']);
    case 'pipe':
      return inner(def['in']);
    case 'lazy':
      return depth > 4 ? fc.constant(undefined) : inner((def['getter'] as () => unknown)());
    case 'union':
      return fc.oneof(...(def['options'] as z.ZodType[]).map(inner));
    case 'array': {
      const { min, max } = lengthBounds(def, 4);
      return fc.array(inner(def['element']), { minLength: min, maxLength: Math.min(max, 4) });
    }
    case 'record':
      return fc.dictionary(
        valid(def['keyType'] as z.ZodType, depth + 1) as fc.Arbitrary<string>,
        inner(def['valueType']),
        { maxKeys: 4 },
      );
    case 'object': {
      const shape = def['shape'] as Record<string, z.ZodType>;
      const fields = Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, inner(s)]));
      // Optional fields come and go; undefined values are dropped (JSON has none).
      return fc
        .record(fields)
        .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
    }
    default:
      // custom (binary bodies), any, unknown, transform: anything JSON.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Strings a parser or a log line chokes on. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\u202eevil',
    '\u2066x\u2069',
    '\ud800',
    '../../etc/passwd',
    '%00',
    '__proto__',
    'constructor',
    'x'.repeat(65),
    '😀'.repeat(40),
    '${jndi:ldap://x}',
    "'; DROP TABLE accounts; --",
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.nat({ max: 200_000 }).map((n) => 'A'.repeat(n)),
);

export const hostileNumber: fc.Arbitrary<unknown> = fc.constantFrom(
  0,
  -0,
  -1,
  0.5,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_VALUE,
  Number.MAX_VALUE,
  1e308 * 10, // Infinity: JSON sends null
  NaN,
);

/** Any value of the wrong kind, prototype-key objects and deep nesting included. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(null, true, false, [], {}, [[[[]]]]),
  fc.constant(JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}')),
  fc.nat({ max: 3000 }).map((n) => {
    let v: unknown = 'leaf';
    for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
    return v;
  }),
  fc.jsonValue({ maxDepth: 3 }),
);

type Path = (string | number)[];

function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (v && typeof v === 'object' && prefix.length < 6)
    for (const [k, c] of Object.entries(v)) paths(c, [...prefix, Array.isArray(v) ? +k : k], out);
  return out;
}

function setAt(
  root: unknown,
  path: Path,
  f: (parent: Record<string, unknown>, key: string | number) => void,
): unknown {
  if (path.length === 0) return root;
  let node = root as Record<string, unknown>;
  for (const k of path.slice(0, -1)) node = node[k as string] as Record<string, unknown>;
  f(node, path[path.length - 1]!);
  return root;
}

/** One mutation of a valid value: replace, delete or add a field somewhere in it. */
export function nearValid(schema: z.ZodType): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid(schema), fc.nat(), fc.nat({ max: 4 }), hostileValue, hostileString)
    .map(([value, pick, op, wrong, key]) => {
      const v = structuredClone(value);
      const all = paths(v);
      const path = all[pick % all.length]!;
      if (path.length === 0)
        return op === 0 ? wrong : v && typeof v === 'object' ? { ...v, [key]: wrong } : wrong;
      return setAt(v, path, (parent, k) => {
        if (op === 0 || op === 1) parent[k as string] = wrong;
        else if (op === 2) delete parent[k as string];
        else if (op === 3)
          Object.defineProperty(parent, '__proto__', {
            value: wrong,
            enumerable: true,
            configurable: true,
            writable: true,
          });
        else parent[key] = wrong;
      });
    });
}

/** Mostly valid values with a share of near-valid ones (about 1 in 3). */
export function mixed(schema: z.ZodType): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: valid(schema), weight: 2 },
    { arbitrary: nearValid(schema), weight: 1 },
  );
}
