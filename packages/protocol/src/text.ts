import { z } from 'zod';

/**
 * Characters display text never carries: C0/C1 controls and DEL (terminal escapes, NUL
 * truncation in C consumers) and the bidi embeddings, overrides and isolates that let a name
 * like "Porch\u202Egpj.exe" read as something else, plus line/paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Whether `s` holds a character display text must not (see {@link UNSAFE}). */
export function hasUnsafeText(s: string): boolean {
  return UNSAFE.test(s);
}

/** Display text: trimmed, 1..max characters, no control or bidi-override characters. */
export const TextSchema = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !hasUnsafeText(s), 'control characters are not allowed');

/** Ids we mint are UUIDs (or like them); anything else is refused before it reaches a lookup. */
export const ResourceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalid id');
