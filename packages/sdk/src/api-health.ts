import type {
  AuditChainReport,
  AuditEvent,
  AuditQuery,
  ClusterDrain,
  ClusterNode,
  HealthSeries,
  HealthSeriesQuery,
} from '@porchlight/protocol';
import { UsageApi } from './api-usage.ts';

/** Server operations of {@link PorchlightApi}: the admin's health charts and the cluster's nodes. */
export abstract class HealthApi extends UsageApi {
  /**
   * Recent health samples as chart columns (CPU per worker, bitrate in/out, sockets, recorders,
   * event-loop lag); `since` returns only newer samples. Admins (or `metrics:read`) only.
   */
  getHealthSeries(query: HealthSeriesQuery = {}): Promise<HealthSeries> {
    return this.call('getHealthSeries', { query: { ...query } });
  }

  /**
   * The whole audit log, newest first: every site's events and those of no site (logins,
   * password changes and resets, sign-outs). Admins only; the same filters as `listAudit`.
   */
  listInstanceAudit(query: AuditQuery = {}): Promise<AuditEvent[]> {
    return this.call('listInstanceAudit', { query: { ...query } });
  }

  /** Checks the audit log's hash chain; names the first broken row. Admins only. */
  verifyAudit(): Promise<AuditChainReport> {
    return this.call('verifyAudit', {});
  }

  /** The cluster's live nodes with their load and draining state (a single box: itself). Admins. */
  listClusterNodes(): Promise<ClusterNode[]> {
    return this.call('listClusterNodes');
  }

  /**
   * Drains a node like SIGTERM: its clients move to the other nodes, then it exits. Admins;
   * audited. A single box refuses (CONFLICT).
   */
  drainClusterNode(nodeId: string): Promise<ClusterDrain> {
    return this.call('drainClusterNode', { params: { nodeId } });
  }
}
