import type { Invoice } from '@porchlight/protocol';

/**
 * An invoice as CSV and as a printable HTML page. Both are built from the JSON invoice, so the
 * three formats always agree.
 */

const CSV_COLUMNS = [
  'scope',
  'id',
  'name',
  'month',
  'priceList',
  'item',
  'quantity',
  'unit',
  'unitPrice',
  'amount',
  'currency',
] as const;

/** RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?[0-9.]+$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One row per line, then a `total` row; CRLF line ends. */
export function invoiceCsv(inv: Invoice): string {
  const head = [inv.scope, inv.id, inv.name, inv.month, inv.priceList];
  const rows: string[][] = [
    [...CSV_COLUMNS],
    ...inv.lines.map((l) => [
      ...head,
      l.item,
      l.quantity,
      l.unit,
      l.unitPrice,
      l.amount,
      inv.currency,
    ]),
    [...head, 'total', '', '', '', inv.total, inv.currency],
  ];
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const ITEM_NAMES: Record<Invoice['lines'][number]['item'], string> = {
  ingest: 'Video ingested from cameras',
  consume: 'Video watched live and downloaded',
  hls: 'Video served over HLS',
  storage: 'Recordings stored',
  channels: 'Signaling channels (devices connected)',
  messages: 'Signaling messages',
  turn: 'TURN relay',
};

/** A self-contained page (no scripts, inline CSS) that prints on one A4/Letter page. */
export function invoicePage(inv: Invoice): string {
  const e = escapeHtml;
  const rows = inv.lines
    .map(
      (l) =>
        `<tr data-item="${e(l.item)}"><td>${e(ITEM_NAMES[l.item])}</td><td class="n">${e(l.quantity)}</td>` +
        `<td>${e(l.unit)}</td><td class="n">${e(l.unitPrice)}</td><td class="n">${e(l.amount)}</td></tr>`,
    )
    .join('\n');
  const issued = new Date(inv.issuedAt).toISOString().slice(0, 10);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Invoice ${e(inv.month)} — ${e(inv.name)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem auto;max-width:48rem;color:#111}
h1{font-size:1.4rem;margin:0 0 .25rem}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{border-bottom:1px solid #ccc;padding:.35rem .5rem;text-align:left}
.n{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{font-weight:600;border-bottom:none}
.muted{color:#555}
@media print{body{margin:0}}
</style></head>
<body>
<h1>Invoice ${e(inv.month)}${inv.partial ? ' (month in progress)' : ''}</h1>
<p class="muted">${inv.scope === 'site' ? 'Site' : 'Account'}: ${e(inv.name)} (${e(inv.id)})<br>
Price list: ${e(inv.priceList)} · Period: ${e(new Date(inv.from).toISOString().slice(0, 10))} to ${e(new Date(inv.to - 1).toISOString().slice(0, 10))} (${inv.periodDays} days, UTC) · Issued ${e(issued)}</p>
<table>
<thead><tr><th>Item</th><th class="n">Quantity</th><th>Unit</th><th class="n">Unit price (${e(inv.currency)})</th><th class="n">Amount (${e(inv.currency)})</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><td colspan="4">Total</td><td class="n" data-total>${e(inv.total)} ${e(inv.currency)}</td></tr></tfoot>
</table>
<p class="muted">A GB is 2^30 bytes; storage is billed in GB-months (stored bytes over time / the month's length). Each amount is rounded half-up to the currency's minor unit from the exact value; the total is the rounded sum of the exact amounts.</p>
</body></html>
`;
}
