import type { SqlExecutor } from '../../store/executor/SqlExecutor.ts';
import type { UsageQuery } from '../usage/ports.ts';
import { BillingConfigStore } from './BillingConfigStore.ts';
import { estimateOf } from './estimate.ts';
import { Invoices } from './Invoices.ts';
import { SavingCalculator, type CameraCounts } from './Saving.ts';

export interface BillingOptions {
  db: SqlExecutor;
  /** Metered usage (server/src/ops/usage). */
  usage: UsageQuery;
  cameras: CameraCounts;
  /** Default Date.now. */
  now?: () => number;
}

/**
 * Billing (docs/operations.md#billing): the admin's price lists and box cost, monthly invoices of
 * sites and accounts from metered usage, estimates from hypothetical usage (the same arithmetic),
 * and the cloud-vs-box saving. Holds no timers or sockets: nothing to close.
 */
export class Billing {
  readonly config: BillingConfigStore;
  readonly invoices: Invoices;
  readonly saving: SavingCalculator;
  readonly estimate = estimateOf;

  constructor(o: BillingOptions) {
    const now = o.now ?? Date.now;
    this.config = new BillingConfigStore(o.db);
    const config = () => this.config.get();
    this.invoices = new Invoices({ usage: o.usage, config, now });
    this.saving = new SavingCalculator({ usage: o.usage, config, cameras: o.cameras, now });
  }
}
