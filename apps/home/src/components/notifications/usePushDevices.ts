import { useCallback, useEffect, useState } from 'react';
import type {
  BrowserPushSubscription,
  NotificationSettings,
  PushDevice,
  TestNotificationResult,
} from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../../auth/services.ts';
import {
  currentSubscription,
  pushSupport,
  subscribeThisBrowser,
  unsubscribeThisBrowser,
  type PushSupport,
} from './browserPush.ts';

export interface PushDevicesState {
  support: PushSupport;
  /** Every browser of mine that is subscribed (null while loading). */
  devices: PushDevice[] | null;
  /** This browser's entry, when it is subscribed. */
  thisDevice: PushDevice | null;
  busy: boolean;
  error: string | null;
  /** The outcome of the last "send test notification". */
  testResult: { deviceId: string; result: TestNotificationResult } | null;
  enable(settings?: NotificationSettings): Promise<void>;
  disable(): Promise<void>;
  save(deviceId: string, patch: { label?: string; settings?: NotificationSettings }): Promise<void>;
  sendTest(deviceId: string): Promise<void>;
  remove(deviceId: string): Promise<void>;
}

function toJson(sub: PushSubscription): BrowserPushSubscription {
  const j = sub.toJSON();
  return {
    endpoint: j.endpoint ?? sub.endpoint,
    keys: { p256dh: j.keys?.['p256dh'] ?? '', auth: j.keys?.['auth'] ?? '' },
  };
}

const message = (e: unknown): string =>
  e instanceof Error && !('status' in e) ? e.message : describeApiError(e);

/** This browser's subscription and the list of my subscribed browsers, with the actions on them. */
export function usePushDevices(): PushDevicesState {
  const [support] = useState(pushSupport);
  const [devices, setDevices] = useState<PushDevice[] | null>(null);
  const [thisId, setThisId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [testResult, setTestResult] = useState<PushDevicesState['testResult']>(null);

  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  }, []);

  const refresh = useCallback(async () => {
    setDevices(await api.listPushSubscriptions());
  }, []);

  useEffect(() => {
    void run(async () => {
      if (support.ok) {
        // Re-register this browser's subscription (idempotent): finds its id, refreshes its keys.
        const sub = await currentSubscription().catch(() => null);
        if (sub) setThisId((await api.createPushSubscription({ subscription: toJson(sub) })).id);
      }
      await refresh();
    });
  }, [run, refresh, support.ok]);

  return {
    support,
    devices,
    thisDevice: devices?.find((d) => d.id === thisId) ?? null,
    busy,
    error,
    testResult,
    enable: (settings) =>
      run(async () => {
        const publicKey = await api.getPushPublicKey();
        const sub = await subscribeThisBrowser(publicKey);
        const created = await api.createPushSubscription({
          subscription: toJson(sub),
          ...(settings ? { settings } : {}),
        });
        setThisId(created.id);
        await refresh();
      }),
    disable: () =>
      run(async () => {
        const sub = await currentSubscription().catch(() => null);
        if (sub) await unsubscribeThisBrowser(sub);
        if (thisId) await api.deletePushSubscription(thisId);
        setThisId(null);
        await refresh();
      }),
    save: (deviceId, patch) =>
      run(async () => {
        await api.updatePushSubscription(deviceId, patch);
        await refresh();
      }),
    sendTest: (deviceId) =>
      run(async () => {
        setTestResult({ deviceId, result: await api.sendTestNotification(deviceId) });
        await refresh();
      }),
    remove: (deviceId) =>
      run(async () => {
        if (deviceId === thisId) {
          const sub = await currentSubscription().catch(() => null);
          if (sub) await unsubscribeThisBrowser(sub);
          setThisId(null);
        }
        await api.deletePushSubscription(deviceId);
        await refresh();
      }),
  };
}
