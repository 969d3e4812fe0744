import { useState, type FormEvent } from 'react';
import type { BillingConfig, BillingConfigInput } from '@porchlight/sdk/rest';
import { useStore } from '../store/index.ts';

/** The unit prices, in bill order, with what each is per. */
const PRICES = [
  ['ingestPerGB', 'Ingest, per GB'],
  ['consumePerGB', 'Watching live / downloads, per GB'],
  ['hlsPerGB', 'HLS, per GB'],
  ['storagePerGBMonth', 'Storage, per GB-month'],
  ['signalingChannelPerMonth', 'Signaling channel, per month'],
  ['signalingMessagesPerMillion', 'Signaling, per million messages'],
  ['turnPerThousandMinutes', 'TURN relay, per 1000 minutes'],
] as const;
type PriceKey = (typeof PRICES)[number][0];
const BOX = [
  ['boxCostPerMonth', 'Box cost per month'],
  ['powerWatts', 'Power draw (W)'],
  ['pricePerKWh', 'Electricity, per kWh'],
] as const;
type BoxKey = (typeof BOX)[number][0];

interface DraftList {
  name: string;
  currency: string;
  description: string;
  prices: Record<PriceKey, string>;
}
interface Draft {
  lists: DraftList[];
  invoicePriceList: string;
  comparePriceList: string;
  box: Record<BoxKey | 'currency', string>;
}

// The contract's rules (packages/protocol/src/billing.ts), checked here for errors in place;
// the server checks again and its refusal lands on the same field.
const DECIMAL = /^(0|[1-9][0-9]{0,14})(\.[0-9]{1,12})?$/;
const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const CURRENCY = /^[A-Z]{3}$/;

function draftOf(c: BillingConfig): Draft {
  return {
    lists: Object.entries(c.priceLists).map(([name, l]) => ({
      name,
      currency: l.currency,
      description: l.description ?? '',
      prices: Object.fromEntries(PRICES.map(([k]) => [k, l[k]])) as Record<PriceKey, string>,
    })),
    invoicePriceList: c.invoicePriceList,
    comparePriceList: c.comparePriceList,
    box: { ...c.box },
  };
}

function priceError(value: string): string | undefined {
  if (value.trim().startsWith('-')) return 'must not be negative';
  if (!DECIMAL.test(value.trim())) return 'must be a decimal number such as 0.0085';
  return undefined;
}

/** Errors keyed by the contract's path (`priceLists.cloud.hlsPerGB`, `box.powerWatts`). */
function validate(d: Draft): Record<string, string> {
  const errors: Record<string, string> = {};
  const names = new Set<string>();
  d.lists.forEach((l, i) => {
    if (!NAME.test(l.name)) errors[`name.${i}`] = 'lower-case letters, digits and dashes';
    else if (names.has(l.name)) errors[`name.${i}`] = 'another list has this name';
    names.add(l.name);
    if (!CURRENCY.test(l.currency)) errors[`priceLists.${l.name}.currency`] = 'an ISO code: USD';
    for (const [k] of PRICES) {
      const e = priceError(l.prices[k]);
      if (e) errors[`priceLists.${l.name}.${k}`] = e;
    }
  });
  if (!CURRENCY.test(d.box.currency)) errors['box.currency'] = 'an ISO code: USD';
  for (const [k] of BOX) {
    const e = priceError(d.box[k]);
    if (e) errors[`box.${k}`] = e;
  }
  return errors;
}

function configOf(d: Draft): BillingConfigInput {
  return {
    priceLists: Object.fromEntries(
      d.lists.map((l) => [
        l.name,
        {
          currency: l.currency,
          ...(l.description.trim() ? { description: l.description.trim() } : {}),
          ...Object.fromEntries(PRICES.map(([k]) => [k, l.prices[k].trim()])),
        },
      ]),
    ) as BillingConfigInput['priceLists'],
    invoicePriceList: d.invoicePriceList,
    comparePriceList: d.comparePriceList,
    box: {
      currency: d.box.currency,
      boxCostPerMonth: d.box.boxCostPerMonth.trim(),
      powerWatts: d.box.powerWatts.trim(),
      pricePerKWh: d.box.pricePerKWh.trim(),
    },
  };
}

function FieldError({ error }: { error: string | undefined }) {
  return error ? (
    <div className="field-error" data-testid="price-error" role="alert">
      {error}
    </div>
  ) : null;
}

/** Edits the billing configuration; each refusal shows under its field. */
export function PriceListEditor({ config }: { config: BillingConfig }) {
  const save = useStore((s) => s.saveBillingConfig);
  const [draft, setDraft] = useState(() => draftOf(config));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const edit = (change: (d: Draft) => Draft) => {
    setSaved(false);
    setDraft((d) => change(structuredClone(d)));
  };
  const setList = (i: number, change: (l: DraftList) => void) =>
    edit((d) => {
      change(d.lists[i]!);
      return d;
    });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validate(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const refusal = await save(configOf(draft));
    if (refusal === null) return setSaved(true);
    const m = /^body\.([^:]+): (.*)$/.exec(refusal);
    setErrors(m ? { [m[1]!]: m[2]! } : { form: refusal });
  };

  const names = draft.lists.map((l) => l.name);
  return (
    <form className="form card" data-testid="price-editor" onSubmit={(e) => void onSubmit(e)}>
      <h2>Price lists</h2>
      <p className="muted small">
        Decimal prices per unit; a GB is 2^30 bytes. The built-in cloud list is an example: check
        the provider&apos;s current prices.
      </p>
      <table className="table price-table">
        <thead>
          <tr>
            <th />
            {draft.lists.map((l, i) => (
              <th key={i}>
                <input
                  aria-label="Price list name"
                  data-testid={`price-list-name-${i}`}
                  value={l.name}
                  onChange={(e) => setList(i, (x) => void (x.name = e.target.value))}
                />
                <FieldError error={errors[`name.${i}`]} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>Currency</td>
            {draft.lists.map((l, i) => (
              <td key={i}>
                <input
                  data-testid={`price-${i}-currency`}
                  value={l.currency}
                  onChange={(e) => setList(i, (x) => void (x.currency = e.target.value))}
                />
                <FieldError error={errors[`priceLists.${l.name}.currency`]} />
              </td>
            ))}
          </tr>
          {PRICES.map(([key, label]) => (
            <tr key={key}>
              <td>{label}</td>
              {draft.lists.map((l, i) => (
                <td key={i}>
                  <input
                    inputMode="decimal"
                    data-testid={`price-${i}-${key}`}
                    value={l.prices[key]}
                    onChange={(e) => setList(i, (x) => void (x.prices[key] = e.target.value))}
                  />
                  <FieldError error={errors[`priceLists.${l.name}.${key}`]} />
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <td>Note</td>
            {draft.lists.map((l, i) => (
              <td key={i}>
                <textarea
                  rows={3}
                  maxLength={300}
                  value={l.description}
                  onChange={(e) => setList(i, (x) => void (x.description = e.target.value))}
                />
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <div className="form-row">
        <button
          type="button"
          className="btn btn--small"
          data-testid="price-list-add"
          onClick={() =>
            edit((d) => {
              d.lists.push({ ...structuredClone(d.lists[0]!), name: `list-${d.lists.length + 1}` });
              return d;
            })
          }
        >
          Add a price list
        </button>
        {draft.lists.length > 1 && (
          <button
            type="button"
            className="btn btn--small"
            onClick={() =>
              edit((d) => {
                d.lists.pop();
                return d;
              })
            }
          >
            Remove the last list
          </button>
        )}
      </div>
      <div className="form-row">
        {(['invoicePriceList', 'comparePriceList'] as const).map((key) => (
          <label className="field" key={key}>
            <span>{key === 'invoicePriceList' ? 'Invoices use' : 'The saving compares with'}</span>
            <select
              data-testid={`price-${key}`}
              value={draft[key]}
              onChange={(e) => edit((d) => ({ ...d, [key]: e.target.value }))}
            >
              {!names.includes(draft[key]) && <option value={draft[key]}>{draft[key]}</option>}
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <FieldError error={errors[key]} />
          </label>
        ))}
      </div>
      <h2>This box</h2>
      <div className="form-row">
        <label className="field">
          <span>Currency</span>
          <input
            data-testid="box-currency"
            value={draft.box.currency}
            onChange={(e) => edit((d) => ({ ...d, box: { ...d.box, currency: e.target.value } }))}
          />
          <FieldError error={errors['box.currency']} />
        </label>
        {BOX.map(([key, label]) => (
          <label className="field" key={key}>
            <span>{label}</span>
            <input
              inputMode="decimal"
              data-testid={`box-${key}`}
              value={draft.box[key]}
              onChange={(e) => edit((d) => ({ ...d, box: { ...d.box, [key]: e.target.value } }))}
            />
            <FieldError error={errors[`box.${key}`]} />
          </label>
        ))}
      </div>
      <FieldError error={errors['form']} />
      <button type="submit" className="btn" data-testid="price-save">
        Save
      </button>
      {saved && (
        <span className="muted" data-testid="price-saved">
          {' '}
          Saved.
        </span>
      )}
    </form>
  );
}
