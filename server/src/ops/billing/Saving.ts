import type { BillingConfig, Saving } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import type { UsageQuery } from '../usage/ports.ts';
import { priceListOf } from './Invoices.ts';
import { monthOf } from './months.ts';
import { boxCost, Dec, money, priceUsage } from './pricing.ts';

/** How many cameras (and doorbells) a site has, and the whole box. */
export interface CameraCounts {
  ofSite(siteId: string): Promise<number>;
  onBox(): Promise<number>;
}

export interface SavingOptions {
  usage: UsageQuery;
  config: () => Promise<BillingConfig>;
  cameras: CameraCounts;
  now: () => number;
}

/**
 * This month so far: what a site's usage costs under a cloud price list, next to its share of
 * the box. The box's monthly cost (plus power) is prorated to the time elapsed, so both sides
 * cover the same days, and split evenly per camera of the box.
 */
export class SavingCalculator {
  readonly #o: SavingOptions;

  constructor(options: SavingOptions) {
    this.#o = options;
  }

  async saving(siteId: string, priceListName: string | undefined): Promise<Saving> {
    const now = this.#o.now();
    const config = await this.#o.config();
    const name = priceListName ?? config.comparePriceList;
    const list = priceListOf(config, name);
    if (list.currency !== config.box.currency) {
      throw PorchlightError.conflict(
        `the box cost is in ${config.box.currency} and price list "${name}" in ${list.currency}: they cannot be compared`,
      );
    }
    const period = monthOf(now);
    // At least a second elapsed, so per-month scaling never divides by zero.
    const fraction = new Dec(Math.max(now - period.from, 1000)).dividedBy(period.to - period.from);
    const usage = await this.#o.usage.totals({ siteId, from: period.from, to: period.to });
    const cloud = priceUsage(list, { periodDays: period.days, usage }).exactTotal;
    const boxMonth = boxCost(config.box, period.days);
    const box = boxMonth.times(fraction);
    const [cameras, boxCameras] = await Promise.all([
      this.#o.cameras.ofSite(siteId),
      this.#o.cameras.onBox(),
    ]);
    const siteBox = boxCameras > 0 ? box.times(cameras).dividedBy(boxCameras) : new Dec(0);
    const c = list.currency;
    const cloudPerCameraMonth = cameras > 0 ? cloud.dividedBy(fraction).dividedBy(cameras) : null;
    const boxPerCameraMonth = boxCameras > 0 && cameras > 0 ? boxMonth.dividedBy(boxCameras) : null;
    return {
      month: period.month,
      elapsedDays: fraction.times(period.days).toDecimalPlaces(3).toNumber(),
      periodDays: period.days,
      priceList: name,
      currency: c,
      cloudCost: money(cloud, c),
      boxCost: money(box, c),
      cameras,
      boxCameras,
      siteBoxCost: money(siteBox, c),
      saving: money(cloud.minus(siteBox), c),
      cloudPerCameraMonth: cloudPerCameraMonth && money(cloudPerCameraMonth, c),
      boxPerCameraMonth: boxPerCameraMonth && money(boxPerCameraMonth, c),
      savingPerCameraMonth:
        cloudPerCameraMonth && boxPerCameraMonth
          ? money(cloudPerCameraMonth.minus(boxPerCameraMonth), c)
          : null,
    };
  }
}
