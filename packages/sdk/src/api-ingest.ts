import type {
  CreatedIngestCamera,
  CreatedRtmpCamera,
  CreateRtspCamera,
  IngestSourceList,
  IngestSourceView,
  ProbeResult,
  ProbeRtsp,
  StreamKey,
  UpdateIngestSource,
} from '@porchlight/protocol';
import { WebhooksApi } from './api-webhooks.ts';

/**
 * RTSP and RTMP cameras of {@link PorchlightApi} (docs/cameras.md). Owners of the site only;
 * credentials and stream keys are write-only (a new stream key is in its creation's answer, once).
 */
export abstract class IngestApi extends WebhooksApi {
  /** The site's RTSP and RTMP cameras with their connection state. */
  listIngestSources(siteId: string): Promise<IngestSourceList> {
    return this.call('listIngestSources', { params: { siteId } });
  }

  /** Connects once to an RTSP URL: codecs and size, or why it failed. Nothing is stored. */
  probeRtsp(siteId: string, probe: ProbeRtsp): Promise<ProbeResult> {
    return this.call('probeRtsp', { params: { siteId }, body: probe });
  }

  /** A new camera the server pulls over RTSP (a device of kind camera). */
  createRtspCamera(siteId: string, camera: CreateRtspCamera): Promise<CreatedIngestCamera> {
    return this.call('createRtspCamera', { params: { siteId }, body: camera });
  }

  /** A new RTMP camera and its stream key (shown once). */
  createRtmpCamera(siteId: string, name: string): Promise<CreatedRtmpCamera> {
    return this.call('createRtmpCamera', { params: { siteId }, body: { name } });
  }

  /** Changes an RTSP/RTMP camera's source (URL, credentials, transport, on/off); it reconnects. */
  updateIngestSource(
    siteId: string,
    deviceId: string,
    patch: UpdateIngestSource,
  ): Promise<IngestSourceView> {
    return this.call('updateIngestSource', { params: { siteId, deviceId }, body: patch });
  }

  /** Stops the camera and removes it (the device is revoked; its recordings stay). */
  deleteIngestSource(siteId: string, deviceId: string): Promise<void> {
    return this.call('deleteIngestSource', { params: { siteId, deviceId } });
  }

  /** A new stream key; the old one stops working at once. */
  rotateStreamKey(siteId: string, deviceId: string): Promise<StreamKey> {
    return this.call('rotateStreamKey', { params: { siteId, deviceId } });
  }

  /** No key any more: every publish is refused until a new one is made. */
  revokeStreamKey(siteId: string, deviceId: string): Promise<void> {
    return this.call('revokeStreamKey', { params: { siteId, deviceId } });
  }
}
