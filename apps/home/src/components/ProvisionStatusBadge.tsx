import type { ProvisionStatus } from '../store/index.ts';

const CLASS: Record<ProvisionStatus, string> = {
  provisioning: 'status--starting',
  provisioned: 'status--publishing',
  failed: 'status--error',
};

/** The provisioning state, verbatim (tests read this text). */
export function ProvisionStatusBadge({ status }: { status: ProvisionStatus }) {
  return (
    <span className={`badge ${CLASS[status]}`} data-testid="provision-status" role="status">
      {status}
    </span>
  );
}
