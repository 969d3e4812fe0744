import type { BillingConfig } from '@porchlight/protocol';

/**
 * The configuration until an admin saves one. The "cloud-reference" list is an EXAMPLE modelled
 * on the shape and order of magnitude of a big cloud provider's public video-stream price page
 * (per-GB ingest and egress, per GB-month storage, per channel-month signaling, per million
 * messages, per thousand TURN minutes); it is not a quote. Admins check the provider's current
 * page and edit it.
 */
export const DEFAULT_BILLING_CONFIG: BillingConfig = {
  priceLists: {
    'cloud-reference': {
      currency: 'USD',
      description:
        "Example modelled on a big cloud provider's public video-stream prices (us-east). Check the provider's current prices before relying on it.",
      ingestPerGB: '0.0085',
      consumePerGB: '0.0085',
      hlsPerGB: '0.0119',
      storagePerGBMonth: '0.023',
      signalingChannelPerMonth: '0.03',
      signalingMessagesPerMillion: '2.25',
      turnPerThousandMinutes: '0.12',
    },
    'self-hosted': {
      currency: 'USD',
      description:
        'What Porchlight charges its own users: nothing metered (edit to pass costs on).',
      ingestPerGB: '0',
      consumePerGB: '0',
      hlsPerGB: '0',
      storagePerGBMonth: '0',
      signalingChannelPerMonth: '0',
      signalingMessagesPerMillion: '0',
      turnPerThousandMinutes: '0',
    },
  },
  invoicePriceList: 'cloud-reference',
  comparePriceList: 'cloud-reference',
  // A small fanless box (~10 W with its share of the switch) amortised over 3 years.
  box: { currency: 'USD', boxCostPerMonth: '8.00', powerWatts: '10', pricePerKWh: '0.30' },
};
