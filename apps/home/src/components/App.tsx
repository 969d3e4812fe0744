import { ChangePasswordForm, changePasswordWith, LoginForm } from '@porchlight/web-ui';
import { api, session } from '../auth/services.ts';
import { routeScreens } from '../routing/screens.tsx';
import { useStore } from '../store/index.ts';
import { CameraRemoved } from './CameraRemoved.tsx';
import { InvitePage } from './invite/InvitePage.tsx';
import { LiveView } from './LiveView.tsx';
import { PersonHome } from './PersonHome.tsx';
import { ProvisionScreen } from './ProvisionScreen.tsx';
import { Shell } from './Shell.tsx';

/** One screen per mode (see store/auth.ts). */
export function App() {
  const mode = useStore((s) => s.mode);
  const liveToken = useStore((s) => s.liveToken);
  const route = useStore((s) => s.route);
  const mustChange = useStore((s) => s.account?.mustChangePassword === true);
  // A visitor's door page needs no login and no app shell.
  if (route.name === 'door') {
    const Door = routeScreens.door;
    return <Door route={route} />;
  }
  let body;
  switch (mode) {
    case 'provisioning':
      body = <ProvisionScreen />;
      break;
    case 'cameraRemoved':
      body = <CameraRemoved />;
      break;
    case 'invite':
      body = <InvitePage />;
      break;
    case 'login':
      body = <Login />;
      break;
    case 'person':
      body = mustChange ? <ForcedPasswordChange /> : <PersonHome />;
      break;
    case 'camera':
    case 'link':
      body = liveToken ? <LiveView token={liveToken} siteId={null} /> : null;
      break;
  }
  return <Shell>{body}</Shell>;
}

function Login() {
  const login = useStore((s) => s.login);
  return (
    <LoginForm title="Log in to Porchlight" icon="/icon.svg" login={login}>
      <p className="hint">
        To turn this device into a camera, open the camera link the owner created for it instead.
      </p>
    </LoginForm>
  );
}

/** A generated or reset password: the API refuses everything else until it is replaced. */
function ForcedPasswordChange() {
  const startPerson = useStore((s) => s.startPerson);
  const change = changePasswordWith(api, session);
  return (
    <ChangePasswordForm
      title="Choose your own password"
      notice="This account has a generated or reset password. Set your own to continue."
      change={async (current, next) => {
        const error = await change(current, next);
        if (!error) startPerson();
        return error;
      }}
    />
  );
}
