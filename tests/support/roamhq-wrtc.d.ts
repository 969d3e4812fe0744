// Minimal typings for the parts of @roamhq/wrtc the tests use (the package ships none).
declare module '@roamhq/wrtc' {
  interface I420Frame {
    width: number;
    height: number;
    data: Uint8ClampedArray | Uint8Array;
  }
  class RTCVideoSource {
    createTrack(): MediaStreamTrack;
    onFrame(frame: I420Frame): void;
  }
  class RTCVideoSink {
    constructor(track: MediaStreamTrack);
    onframe: ((event: { frame: I420Frame }) => void) | null;
    stop(): void;
  }
  class RTCAudioSource {
    createTrack(): MediaStreamTrack;
    onData(data: { samples: Int16Array; sampleRate: number; bitsPerSample?: number; channelCount?: number; numberOfFrames?: number }): void;
  }
  class RTCAudioSink {
    constructor(track: MediaStreamTrack);
    ondata: ((data: { samples: Int16Array; sampleRate: number }) => void) | null;
    stop(): void;
  }
  const wrtc: {
    RTCPeerConnection: unknown;
    nonstandard: {
      RTCVideoSource: typeof RTCVideoSource;
      RTCVideoSink: typeof RTCVideoSink;
      RTCAudioSource: typeof RTCAudioSource;
      RTCAudioSink: typeof RTCAudioSink;
    };
  };
  export default wrtc;
}
