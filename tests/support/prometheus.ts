/** One sample line of a Prometheus text exposition. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromExposition {
  /** Family name -> declared type. */
  types: Map<string, string>;
  samples: PromSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
// Go's ParseFloat, which Prometheus uses: NaN and Inf in any case (prom-client writes `Nan`).
const VALUE =
  '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[Nn][Aa][Nn]|[+-]?[Ii][Nn][Ff](?:inity)?)';
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL_NAME}=${LABEL_VALUE})(?:,${LABEL_NAME}=${LABEL_VALUE})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`,
);
const LABEL = new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'g');
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** Suffixes a histogram's or summary's samples add to the family name. */
const SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * A strict reader of the text format (version 0.0.4): throws on the first line that is not a
 * HELP, TYPE, blank or well-formed sample line; on a family typed twice or sampled before its
 * TYPE; on samples of one family split apart; on a repeated series; on a histogram without +Inf.
 */
export function parsePrometheus(text: string): PromExposition {
  const types = new Map<string, string>();
  const samples: PromSample[] = [];
  const seenSeries = new Set<string>();
  const closed = new Set<string>();
  let current: string | undefined;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    const where = `line ${i + 1}: ${JSON.stringify(line.slice(0, 120))}`;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
      if (!m) throw new Error(`bad comment, ${where}`);
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`unknown type, ${where}`);
        if (types.has(name)) throw new Error(`family typed twice, ${where}`);
        types.set(name, rest);
      }
      if (current !== name) {
        if (current !== undefined) closed.add(current);
        if (closed.has(name)) throw new Error(`family split apart, ${where}`);
        current = name;
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample, ${where}`);
    const name = m[1]!;
    const family = types.has(name)
      ? name
      : SUFFIXES.map((s) => (name.endsWith(s) ? name.slice(0, -s.length) : '')).find((f) =>
          ['histogram', 'summary'].includes(types.get(f) ?? ''),
        );
    if (family === undefined) throw new Error(`sample without TYPE, ${where}`);
    if (family !== current) throw new Error(`sample outside its family, ${where}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (m[2] ?? '').matchAll(LABEL)) {
      if (key! in labels) throw new Error(`label repeated, ${where}`);
      labels[key!] = JSON.parse(raw!.replace(/\\n/g, '\\n')) as string;
    }
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSeries.has(series)) throw new Error(`series repeated, ${where}`);
    seenSeries.add(series);
    const valueText = m[3]!;
    const lower = valueText.toLowerCase();
    const value = lower.endsWith('nan')
      ? Number.NaN
      : /inf/.test(lower)
        ? lower.startsWith('-')
          ? -Infinity
          : Infinity
        : Number(valueText);
    samples.push({ name, labels, value });
  }
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const buckets = samples.filter((s) => s.name === `${family}_bucket`);
    if (buckets.length > 0 && !buckets.some((b) => b.labels['le'] === '+Inf'))
      throw new Error(`histogram ${family} has no +Inf bucket`);
  }
  return { types, samples };
}

/** The value of one series (labels must match exactly the given ones, others ignored); 0 if absent. */
export function sampleValue(
  exposition: PromExposition,
  name: string,
  labels: Record<string, string> = {},
): number {
  const found = exposition.samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found?.value ?? 0;
}

/** The sum over every series of a sample name. */
export function sampleSum(exposition: PromExposition, name: string): number {
  return exposition.samples.filter((s) => s.name === name).reduce((a, s) => a + s.value, 0);
}
