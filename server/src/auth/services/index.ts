/** Identity services: passwords, tokens, API keys, device provisioning and login. */
export {
  PasswordHasher,
  DEFAULT_SCRYPT_PARAMS,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MAX_LENGTH,
  type ScryptParams,
} from './passwords.ts';
export {
  AccessTokens,
  TokenKind,
  MAX_ACCESS_TOKEN_LENGTH,
  type AccessTokensOptions,
  type IssuedAccessToken,
  type AccountTokenClaims,
  type DeviceTokenClaims,
} from './AccessTokens.ts';
export {
  RefreshTokens,
  REFRESH_TOKEN_PREFIX,
  type RefreshTokensOptions,
  type RefreshTokenStore,
  type IssuedRefreshToken,
} from './RefreshTokens.ts';
export {
  ApiKeys,
  API_KEY_PREFIX,
  type ApiKeysOptions,
  type ApiKeyStore,
  type CreateApiKeyInput,
  type CreatedApiKey,
} from './ApiKeys.ts';
export {
  Provisioning,
  DEVICE_CREDENTIAL_PREFIX,
  DEFAULT_CODE_TTL_SECONDS,
  MAX_CODE_TTL_SECONDS,
  type ProvisioningOptions,
  type ProvisioningStore,
  type CreateCodeInput,
  type CreatedCode,
  type RedeemInfo,
  type DeviceCredential,
} from './Provisioning.ts';
export { CODE_ALPHABET, CODE_LENGTH, generateCode, normalizeCode } from './provisioningCode.ts';
export { LoginRateLimiter, type LoginRateLimiterOptions } from './LoginRateLimiter.ts';
export {
  LoginService,
  toPublicAccount,
  type LoginServiceOptions,
  type LoginStore,
  type PublicAccount,
  type Session,
} from './LoginService.ts';
export { RateLimitedError } from './RateLimitedError.ts';
export { ipBucket } from './ipBucket.ts';
