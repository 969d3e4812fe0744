/**
 * The behaviour every store (SQL executor + repositories) must have, as one suite each dialect's
 * test file runs against a fresh, empty store per test. Values must come back exactly as written.
 * One part per repository under contract/.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/store/createStore.ts';
import { accountsContract } from './contract/accounts.ts';
import { alarmsContract } from './contract/alarms.ts';
import { apiKeysContract } from './contract/apiKeys.ts';
import { auditContract } from './contract/audit.ts';
import { billingContract } from './contract/billing.ts';
import { devicesContract } from './contract/devices.ts';
import { doorbellContract } from './contract/doorbell.ts';
import type { ContractScope } from './contract/fixtures.ts';
import { grantsContract } from './contract/grants.ts';
import { hostileInputContract } from './contract/hostileInput.ts';
import { invitationsContract } from './contract/invitations.ts';
import { lifecycleContract } from './contract/lifecycle.ts';
import { provisioningCodesContract } from './contract/provisioningCodes.ts';
import { pushSubscriptionsContract } from './contract/pushSubscriptions.ts';
import { recordingIndexContract } from './contract/recordingIndex.ts';
import { refreshTokensContract } from './contract/refreshTokens.ts';
import { sitesContract } from './contract/sites.ts';
import { turnUsageContract } from './contract/turnUsage.ts';
import { usageContract } from './contract/usage.ts';
import { webhooksContract } from './contract/webhooks.ts';

export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let current: Store | undefined;
    const scope: ContractScope = {
      get store(): Store {
        if (!current) throw new Error('the store exists only inside a test');
        return current;
      },
    };

    beforeEach(async () => {
      current = await makeStore();
    });

    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    accountsContract(scope);
    sitesContract(scope);
    grantsContract(scope);
    invitationsContract(scope);
    devicesContract(scope);
    provisioningCodesContract(scope);
    refreshTokensContract(scope);
    apiKeysContract(scope);
    turnUsageContract(scope);
    usageContract(scope);
    pushSubscriptionsContract(scope);
    auditContract(scope);
    hostileInputContract(scope);
    recordingIndexContract(scope);
    doorbellContract(scope);
    alarmsContract(scope);
    lifecycleContract(scope);
    billingContract(scope);
    webhooksContract(scope);
  });
}
