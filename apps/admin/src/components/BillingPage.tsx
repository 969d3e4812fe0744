import { useEffect, useState } from 'react';
import type { BillingMonths, Saving } from '@porchlight/sdk/rest';
import { useStore } from '../store/index.ts';
import { MonthChart } from './MonthChart.tsx';
import { PriceListEditor } from './PriceListEditor.tsx';
import { SitePicker } from './SitePicker.tsx';

const lineQuantity = (m: BillingMonths['months'][number], item: string): string =>
  m.lines.find((l) => l.item === item)?.quantity ?? '0';

/** Usage and cost per site and month, invoices, the cloud-vs-box saving, the price lists. */
export function BillingPage() {
  const sites = useStore((s) => s.sites);
  const loadSites = useStore((s) => s.loadSites);
  const config = useStore((s) => s.billingConfig);
  const loadConfig = useStore((s) => s.loadBillingConfig);
  const siteId = useStore((s) => s.billingSiteId);
  const select = useStore((s) => s.selectBillingSite);
  const months = useStore((s) => s.billingMonths);
  useEffect(() => {
    void loadSites();
    void loadConfig();
  }, [loadSites, loadConfig]);
  useEffect(() => {
    const first = sites?.[0];
    if (!siteId && first) void select(first.id);
  }, [sites, siteId, select]);

  return (
    <section className="page" data-testid="billing-page">
      <h1>Usage &amp; billing</h1>
      <SitePicker testId="billing-site" value={siteId} onChange={(id) => void select(id)} />
      {siteId && months && <SiteMonths siteId={siteId} months={months} />}
      {siteId && <SavingPanel siteId={siteId} />}
      {config && <PriceListEditor config={config} />}
    </section>
  );
}

function SiteMonths({ siteId, months }: { siteId: string; months: BillingMonths }) {
  const openInvoice = useStore((s) => s.openInvoice);
  const starts = months.months.map((m) => m.from);
  const n = (m: BillingMonths['months'][number], item: string) => Number(lineQuantity(m, item));
  return (
    <>
      <div className="charts">
        <MonthChart
          title="Usage per month (GB, GB-months for storage)"
          testId="billing-usage-chart"
          months={starts}
          series={[
            {
              label: 'Ingested',
              stroke: '#2f80ed',
              values: months.months.map((m) => n(m, 'ingest')),
            },
            {
              label: 'Watched',
              stroke: '#27ae60',
              values: months.months.map((m) => n(m, 'consume')),
            },
            { label: 'HLS', stroke: '#f2994a', values: months.months.map((m) => n(m, 'hls')) },
            {
              label: 'Stored',
              stroke: '#9b51e0',
              values: months.months.map((m) => n(m, 'storage')),
            },
          ]}
        />
        <MonthChart
          title={`Cost per month (${months.currency}, price list ${months.priceList})`}
          testId="billing-cost-chart"
          months={starts}
          series={[
            {
              label: `Total ${months.currency}`,
              stroke: '#eb5757',
              values: months.months.map((m) => Number(m.total)),
            },
          ]}
        />
      </div>
      <table className="table" data-testid="billing-months">
        <thead>
          <tr>
            <th>Month</th>
            <th>Ingested GB</th>
            <th>Watched GB</th>
            <th>HLS GB</th>
            <th>Stored GB-months</th>
            <th>Cost ({months.currency})</th>
            <th>Invoice</th>
          </tr>
        </thead>
        <tbody>
          {[...months.months].reverse().map((m) => (
            <tr key={m.month} data-testid="billing-month-row" data-month={m.month}>
              <td>
                {m.month}
                {m.partial && <span className="muted small"> (so far)</span>}
              </td>
              <td>{lineQuantity(m, 'ingest')}</td>
              <td>{lineQuantity(m, 'consume')}</td>
              <td>{lineQuantity(m, 'hls')}</td>
              <td>{lineQuantity(m, 'storage')}</td>
              <td data-testid="billing-month-total">{m.total}</td>
              <td className="row-actions">
                {(['json', 'csv', 'print'] as const).map((format) => (
                  <button
                    key={format}
                    type="button"
                    className="icon-btn"
                    data-testid={`invoice-${format}`}
                    onClick={() => void openInvoice(siteId, m.month, format)}
                  >
                    {format === 'print' ? 'Print' : format.toUpperCase()}
                  </button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function SavingPanel({ siteId }: { siteId: string }) {
  const config = useStore((s) => s.billingConfig);
  const saving = useStore((s) => s.saving);
  const error = useStore((s) => s.savingError);
  const select = useStore((s) => s.selectBillingSite);
  const [list, setList] = useState('');
  const lists = Object.keys(config?.priceLists ?? {});
  return (
    <div className="card" data-testid="billing-saving">
      <h2>Cloud or this box: this month so far</h2>
      <label className="field">
        <span>Compare with the price list</span>
        <select
          data-testid="saving-price-list"
          value={list || saving?.priceList || ''}
          onChange={(event) => {
            setList(event.target.value);
            void select(siteId, event.target.value);
          }}
        >
          {lists.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {error && <p className="outcome--failure">{error}</p>}
      {saving && <SavingFigures saving={saving} />}
    </div>
  );
}

function SavingFigures({ saving: s }: { saving: Saving }) {
  return (
    <dl className="saving">
      <dt>Days counted</dt>
      <dd>
        {s.elapsedDays} of {s.periodDays} ({s.month})
      </dd>
      <dt>This site in the cloud ({s.priceList})</dt>
      <dd data-testid="saving-cloud">
        {s.cloudCost} {s.currency}
      </dd>
      <dt>
        Its share of the box ({s.cameras} of {s.boxCameras} cameras)
      </dt>
      <dd data-testid="saving-box">
        {s.siteBoxCost} {s.currency}
      </dd>
      <dt>Saved so far</dt>
      <dd data-testid="saving-total">
        {s.saving} {s.currency}
      </dd>
      <dt>Per camera-month: cloud / box / saved</dt>
      <dd data-testid="saving-per-camera">
        {s.savingPerCameraMonth === null
          ? 'no cameras on this site'
          : `${s.cloudPerCameraMonth} / ${s.boxPerCameraMonth} / ${s.savingPerCameraMonth} ${s.currency}`}
      </dd>
    </dl>
  );
}
