import { useEffect } from 'react';
import type { TokenSource } from '@porchlight/sdk';
import { startSession } from '../media/session.ts';
import { useStore } from '../store/index.ts';
import { CameraMode } from './CameraMode.tsx';
import { FatalError } from './FatalError.tsx';
import { ViewerMode } from './ViewerMode.tsx';

interface Props {
  token: TokenSource;
  siteId: string | null;
  /** Kept connected (and hidden) while another tab is shown, so coming back is instant. */
  hidden?: boolean;
}

/** The live connection: camera or viewer, as the server decided from the token. */
export function LiveView({ token, siteId, hidden = false }: Props) {
  const sessionKey = useStore((s) => s.sessionKey);
  const role = useStore((s) => s.role);
  const state = useStore((s) => s.connectionState);
  const error = useStore((s) => s.error);

  useEffect(() => startSession(token, siteId), [token, siteId, sessionKey]);

  let body;
  if (state === 'closed' && error) body = <FatalError error={error} />;
  else if (role === 'camera') body = <CameraMode />;
  else if (role === 'viewer') body = <ViewerMode hidden={hidden} />;
  else body = <p className="connecting">Connecting to Porchlight…</p>;
  return <div hidden={hidden}>{body}</div>;
}
