import { useEffect } from 'react';
import { useStore } from '../../store/index.ts';
import { GrantRow } from './GrantRow.tsx';
import { InvitationLink } from './InvitationLink.tsx';
import { InviteForm } from './InviteForm.tsx';
import { PendingInvitations } from './PendingInvitations.tsx';
import { RecentActivity } from './RecentActivity.tsx';

/** Who has access to this site, and inviting more people. */
export function PeoplePage() {
  const grants = useStore((s) => s.grants);
  const devices = useStore((s) => s.devices);
  const loadGrants = useStore((s) => s.loadGrants);
  const invitations = useStore((s) => s.invitations);
  const created = useStore((s) => s.createdInvitation);
  const loadInvitations = useStore((s) => s.loadInvitations);
  const loadDevices = useStore((s) => s.loadDevices);
  const siteId = useStore((s) => s.siteId);

  useEffect(() => {
    void loadGrants();
    void loadInvitations();
    // For the camera checkboxes and for naming the cameras a grant is limited to.
    void loadDevices();
  }, [siteId, loadGrants, loadInvitations, loadDevices]);

  const active = (grants ?? []).filter((g) => !g.revoked);
  const deviceNames = new Map((devices ?? []).map((d) => [d.id, d.name]));
  return (
    <section className="page">
      <h1>People</h1>
      {grants === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Person</th>
              <th>Role</th>
              <th>Cameras</th>
              <th>When</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {active.map((grant) => (
              <GrantRow key={grant.id} grant={grant} deviceNames={deviceNames} />
            ))}
          </tbody>
        </table>
      )}
      {created && <InvitationLink created={created} />}
      <PendingInvitations invitations={invitations ?? []} />
      <InviteForm devices={(devices ?? []).filter((d) => !d.revoked)} />
      <RecentActivity />
    </section>
  );
}
