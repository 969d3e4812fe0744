import { useCallback, useEffect, useState } from 'react';
import type { DoorTokenInfo } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { ConfirmButton, formatTime, useQrCode } from '@porchlight/web-ui';
import { api } from '../../../auth/services.ts';
import { CopyButton } from '../../CopyButton.tsx';

interface Props {
  siteId: string;
  doorId: string;
}

/** The door's visitor links (URL + QR code to print at the gate): create, rotate, revoke. */
export function DoorLinks({ siteId, doorId }: Props) {
  const [links, setLinks] = useState<DoorTokenInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api
      .listDoorTokens(siteId, doorId)
      .then(setLinks, (e: unknown) => setError(describeApiError(e)));
  }, [siteId, doorId]);
  useEffect(load, [load]);

  const run = (job: Promise<unknown>): void => {
    setError(null);
    job.then(load, (e: unknown) => setError(describeApiError(e)));
  };

  return (
    <div className="door-links" data-testid="door-links">
      <h3>Visitor link</h3>
      {error && <p className="hint hint--warn">{error}</p>}
      {links === null ? (
        <p className="muted">Loading…</p>
      ) : links.length === 0 ? (
        <p className="muted">No link yet: visitors can ring only with the doorbell itself.</p>
      ) : (
        links.map((link) => (
          <DoorLink
            key={link.id}
            link={link}
            onRevoke={() => run(api.revokeDoorToken(siteId, doorId, link.id))}
          />
        ))
      )}
      <div className="actions">
        <button
          type="button"
          className="btn btn--small"
          data-testid="door-link-create"
          onClick={() => run(api.createDoorToken(siteId, doorId, 'Door link'))}
        >
          New link
        </button>
        {links !== null && links.length > 0 && (
          <ConfirmButton
            label="Replace all links"
            confirmLabel="Replace"
            testId="door-link-rotate"
            onConfirm={() => run(api.rotateDoorTokens(siteId, doorId, 'Door link'))}
          >
            Printed QR codes stop working at once.
          </ConfirmButton>
        )}
      </div>
    </div>
  );
}

function DoorLink({ link, onRevoke }: { link: DoorTokenInfo; onRevoke: () => void }) {
  const qr = useQrCode(link.url, 200);
  return (
    <div className="door-link" data-testid="door-link" data-token-id={link.id}>
      {qr ? (
        <img
          className="door-link__qr"
          src={qr}
          alt="QR code of the door link"
          width={200}
          height={200}
          data-testid="door-link-qr"
        />
      ) : (
        <div className="door-link__qr" />
      )}
      <div className="door-link__text">
        <p className="muted small">
          {link.label} · created {formatTime(link.createdAt)}
        </p>
        <code className="provision__url" data-testid="door-link-url">
          {link.url}
        </code>
        <div className="actions">
          <CopyButton text={link.url} />
          <ConfirmButton
            label="Revoke"
            confirmLabel="Revoke link"
            testId="door-link-revoke"
            onConfirm={onRevoke}
          >
            This link and its QR code stop working at once.
          </ConfirmButton>
        </div>
      </div>
    </div>
  );
}
