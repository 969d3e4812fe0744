import { restRoutes, type RestRoute, type RestRouteName } from '@porchlight/protocol';
import { PorchlightApi } from '@porchlight/sdk/rest';
import '../../../tests/support/http.ts';
import type { TestServer } from '../../../tests/support/testServer.ts';

/** One HTTP exchange the SDK made, as the server answered it. */
export interface Exchange {
  method: string;
  pathname: string;
  status: number;
  contentType: string;
  text: string;
}

/** What the cases share: the clients and the ids created along the way. */
export interface World {
  ts: TestServer;
  /** No token: login, refresh, provisioning. */
  anonymous: PorchlightApi;
  admin: PorchlightApi;
  adminId: string;
  email: string;
  password: string;
  refreshToken: string;
  /** A site the cases create, rename and finally delete. */
  siteB: string;
  accountId: string;
  grantId: string;
  code: string;
  deviceB: string;
  credential: string;
  keyId: string;
  pushSubscriptionId: string;
  invitationToken: string;
  invitationId: string;
  /** The person who accepted the first invitation, logged in. */
  invitee: PorchlightApi;
  /** A real camera publishing on the test server's site, recorded continuously. */
  camera: string;
  /** Doorbell: a door of the test server's site, its device token, a door link, a call. */
  doorId: string;
  doorDevice: PorchlightApi;
  doorToken: string;
  doorTokenId: string;
  callId: string;
  visitor: PorchlightApi;
  /** The visitor of a missed call, leaving a message. */
  messenger: PorchlightApi;
  /** The camera's own client (device token) and the detection event it reported. */
  cameraApi: PorchlightApi;
  eventId: string;
  /** The server's detector host (its token from a launch code), once its session is open. */
  hostApi: PorchlightApi;
  /** An alarm rule of site B. */
  alarmId: string;
  /** A webhook endpoint of site B and its test delivery. */
  webhookId: string;
  deliveryId: string;
  /** An RTSP camera and an RTMP camera of site B (docs/cameras.md). */
  rtspId: string;
  rtmpId: string;
}

/**
 * A fetch that remembers every answer, so the test can check what went over the wire (not what
 * the SDK made of it) against the contract.
 */
export function recordingFetch(log: Exchange[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    log.push({
      method: init?.method ?? 'GET',
      pathname: url.pathname,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: await response.clone().text(),
    });
    return response;
  };
}

/** SDK clients that validate every answer against the contract and log the exchanges. */
export function sdkFor(ts: TestServer, log: Exchange[]): PorchlightApi {
  return new PorchlightApi({ url: ts.url, fetch: recordingFetch(log), validateResponses: true });
}

const patternOf = (route: RestRoute): RegExp =>
  new RegExp(`^${route.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`);

/** The exchanges of `log` that hit `name`'s method and path. */
export function exchangesOf(log: readonly Exchange[], name: RestRouteName): Exchange[] {
  const route = restRoutes[name];
  const pattern = patternOf(route);
  return log.filter((e) => e.method === route.method && pattern.test(e.pathname));
}

/** `YYYY-MM-DD` of a unix ms instant, UTC. */
export const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);
