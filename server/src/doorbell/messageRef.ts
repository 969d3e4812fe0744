import { z } from 'zod';

/** What a call's `message_ref` column holds: the message's recording stream and its length. */
export interface MessageRef {
  stream: string;
  durationMs: number;
  /** Camera-time bounds of the stored segments (the signed VOD URL's range). */
  from: number;
  to: number;
}

const Schema = z.strictObject({
  stream: z.string().min(1).max(64),
  durationMs: z.number().min(0),
  from: z.number(),
  to: z.number(),
});

export function formatMessageRef(ref: MessageRef): string {
  return JSON.stringify(ref);
}

/** null for no message (or a value this version cannot read). */
export function parseMessageRef(text: string | null): MessageRef | null {
  if (text === null) return null;
  try {
    return Schema.parse(JSON.parse(text));
  } catch {
    return null;
  }
}
