import type { StartEvent } from '@porchlight/protocol';
import { PorchlightApi } from '@porchlight/sdk/rest';
import '../../../tests/support/http.ts';
import type { TestServer } from '../../../tests/support/testServer.ts';

export { TINY_JPEG } from '../doorbell/world.ts';

/** An SDK client with a fixed token that checks every answer against the contract. */
export function apiAs(ts: TestServer, token: string): PorchlightApi {
  return new PorchlightApi({ url: ts.url, getToken: () => token, validateResponses: true });
}

/** A plausible start of an event: one person box at `at`. */
export function startOf(at: number, o: Partial<StartEvent> = {}): StartEvent {
  return {
    label: 'person',
    startedAt: at,
    maxScore: 0.62,
    zones: ['Driveway'],
    track: [{ t: at, box: [0.4, 0.3, 0.1, 0.4], score: 0.62 }],
    detector: { backend: 'wasm', model: 'centernet', msPerFrame: 41 },
    ...o,
  };
}
