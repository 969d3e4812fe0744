import { DEFAULT_BUDGET_OPTIONS, type BudgetState } from '@porchlight/detector';

const MODE_TEXT: Record<BudgetState['mode'], string> = {
  raising: 'raising',
  max: 'at its maximum',
  holding: 'holding after a back-off',
  'backing-off': 'backing off',
};
const TROUBLE_TEXT: Record<NonNullable<BudgetState['trouble']>, string> = {
  fps: 'the encoder lost frames',
  cpu: 'the encoder was short of CPU',
  lag: 'the page lagged',
};

/**
 * "CPU budget 60 % of a core (raising; encoder 15/15 fps, lag 3 ms)"; on a busy device also what
 * the budget now tolerates ("lag 45 ms (a busy device: allowed 68 ms)").
 */
export function budgetText(b: BudgetState): string {
  const encoder =
    b.fps !== null
      ? `encoder ${b.fps.toFixed(0)}${b.referenceFps !== null ? `/${b.referenceFps.toFixed(0)}` : ''} fps`
      : null;
  const lag =
    b.lagP95Ms !== null
      ? `lag ${Math.round(b.lagP95Ms)} ms${b.lagLimitMs > DEFAULT_BUDGET_OPTIONS.lagLimitMs ? ` (a busy device: allowed ${Math.round(b.lagLimitMs)} ms)` : ''}`
      : null;
  const cpu = b.ambientCpu ? 'encoder short of CPU anyway' : null;
  const why =
    b.mode === 'backing-off' || b.mode === 'holding'
      ? `${MODE_TEXT[b.mode]}: ${b.trouble ? TROUBLE_TEXT[b.trouble] : 'trouble'}`
      : MODE_TEXT[b.mode];
  const health = [encoder, lag, cpu].filter((p) => p !== null).join(', ');
  return `CPU budget ${Math.round(b.budget * 100)} % of a core (${why}${health ? `; ${health}` : ''})`;
}
