import type { types } from 'mediasoup';

/** How this node's pipe transports listen: its media listen IP, announced as its media address. */
export interface PipeListen {
  listenIp: string;
  announcedAddress: string;
  /** SRTP between nodes (media.pipeSrtp). */
  enableSrtp: boolean;
}

export function createPipeTransport(
  router: types.Router,
  o: PipeListen,
  appData: types.AppData,
): Promise<types.PipeTransport> {
  return router.createPipeTransport({
    listenInfo: { protocol: 'udp', ip: o.listenIp, announcedAddress: o.announcedAddress },
    enableRtx: true,
    enableSrtp: o.enableSrtp,
    // Media only: no data channels cross nodes.
    enableSctp: false,
    appData,
  });
}

/** This end's tuple and keys, as the other node connects to them. */
export function pipeEndOf(t: types.PipeTransport): {
  ip: string;
  port: number;
  srtpParameters?: types.SrtpParameters;
} {
  return {
    ip: t.tuple.localAddress ?? t.tuple.localIp,
    port: t.tuple.localPort,
    ...(t.srtpParameters ? { srtpParameters: t.srtpParameters } : {}),
  };
}
