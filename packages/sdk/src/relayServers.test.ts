import { describe, expect, it } from 'vitest';
import { relayServers } from './media-session.ts';

const servers: RTCIceServer[] = [
  { urls: 'stun:h:3478' },
  {
    urls: ['turn:h:3478?transport=udp', 'turn:h:3478?transport=tcp', 'turns:h:5349?transport=tcp'],
    username: 'u',
    credential: 'c',
  },
];

describe('relayServers', () => {
  it('keeps everything unless a transport is forced', () => {
    expect(relayServers(servers, false)).toEqual(servers);
    expect(relayServers(servers, true)).toEqual(servers);
  });
  it.each([
    ['udp', 'turn:h:3478?transport=udp'],
    ['tcp', 'turn:h:3478?transport=tcp'],
    ['tls', 'turns:h:5349?transport=tcp'],
  ] as const)('%s keeps only that TURN url, with its credentials', (t, url) => {
    expect(relayServers(servers, t)).toEqual([{ urls: [url], username: 'u', credential: 'c' }]);
  });
});
