/** @porchlight/web-ui: what the Porchlight web apps share. CSS: `@porchlight/web-ui/styles/*.css`. */
export { ConfirmButton } from './components/ConfirmButton.tsx';
export { ErrorBanner } from './components/ErrorBanner.tsx';
export { AccountMenu, Brand, Tabs } from './components/header.tsx';
export type { TabItem } from './components/header.tsx';
export { LoginForm } from './components/LoginForm.tsx';
export { ChangePasswordForm } from './components/ChangePasswordForm.tsx';
export { changePasswordWith } from './session/changePassword.ts';
export {
  formatAgo,
  formatBitrate,
  formatBytes,
  formatClock,
  formatInstant,
  formatTime,
  fromLocalInput,
  toLocalInput,
} from './format.ts';
export { AUDIT_ACTIONS, auditActionLabel, auditActor, auditDetailText } from './audit.ts';
export { createApiServices } from './session/services.ts';
export type { ApiServices } from './session/services.ts';
export { createBannerSlice, createSessionSlice } from './session/slice.ts';
export type { BannerSlice, SessionSlice, SessionSliceOptions } from './session/slice.ts';
export { followSession, SESSION_ENDED_MESSAGE } from './boot/followSession.ts';
export type { SessionFollower } from './boot/followSession.ts';
export { exposeTestHook, testHooks } from './boot/testHooks.ts';
export { mountApp } from './boot/mountApp.tsx';
export { useQrCode } from './hooks/useQrCode.ts';
