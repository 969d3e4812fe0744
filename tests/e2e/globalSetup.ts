import { ensureFixtures } from '../support/fixtures.ts';

export default function globalSetup(): void {
  ensureFixtures();
}
