import { useState } from 'react';
import type { AuditChainReport } from '@porchlight/sdk/rest';
import { api } from '../services.ts';

/**
 * The audit log's tamper evidence: checks the hash chain on request and names the first broken
 * row (an edited row, or the row after one removed or inserted). The same check as
 * `npm run audit:verify`.
 */
export function AuditIntegrity() {
  const [report, setReport] = useState<AuditChainReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setReport(await api.verifyAudit());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card" data-testid="audit-integrity">
      <button type="button" data-testid="audit-verify" disabled={busy} onClick={() => void check()}>
        {busy ? 'Checking…' : 'Verify integrity'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {report?.ok && (
        <p data-testid="audit-verify-result" data-ok="true">
          Intact: {report.checked} rows chained
          {report.unchained > 0 ? `, ${report.unchained} older rows without a hash` : ''}
          {report.anchorId !== null
            ? `, from row ${report.anchorId + 1} (older rows removed by retention)`
            : ''}
          .
        </p>
      )}
      {report && !report.ok && report.firstBroken && (
        <p className="error" role="alert" data-testid="audit-verify-result" data-ok="false">
          Broken at row {report.firstBroken.id}: {report.firstBroken.reason}.
        </p>
      )}
    </div>
  );
}
