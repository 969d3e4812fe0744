import type { TestServer } from '../../../tests/support/testServer.ts';

/** Ids of what lives in the workers: what a fuzz run must not leave behind. */
export interface MediasoupObjects {
  routers: Set<string>;
  transports: Set<string>;
  producers: Set<string>;
  consumers: Set<string>;
}

/** The workers' routers (worker dumps), and every room router's transports, producers and consumers. */
export async function mediasoupObjects(ts: TestServer): Promise<MediasoupObjects> {
  const out: MediasoupObjects = {
    routers: new Set(),
    transports: new Set(),
    producers: new Set(),
    consumers: new Set(),
  };
  for (const slot of ts.server.pool.slots) {
    const w = await slot.worker.dump();
    w.routerIds.forEach((id) => out.routers.add(id));
  }
  for (const room of ts.server.rooms.rooms.values()) {
    const d = await room.router.dump();
    d.transportIds.forEach((id) => out.transports.add(id));
    d.mapProducerIdConsumerIds.forEach(({ key }) => out.producers.add(key));
    d.mapConsumerIdProducerId.forEach(({ key }) => out.consumers.add(key));
  }
  return out;
}

/** How many ids of `now` the baseline did not have. */
export const extra = (now: Set<string>, base: Set<string>): number =>
  [...now].filter((id) => !base.has(id)).length;
