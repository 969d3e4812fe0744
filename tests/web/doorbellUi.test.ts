import { describe, expect, it } from 'vitest';
import { deviceLabel } from '../../apps/home/src/components/call/deviceLabel.ts';
import { visitorOutcomeText } from '../../apps/home/src/components/doorbell/outcomeText.ts';

describe('doorbell UI texts', () => {
  it('names the answering device from its user agent', () => {
    expect(
      deviceLabel(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36',
      ),
    ).toBe('Chrome on Android');
    expect(
      deviceLabel(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(
      deviceLabel(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
      ),
    ).toBe('Firefox on Windows');
    expect(deviceLabel('curl/8')).toBe('Browser');
  });

  it('tells the visitor how the call ended', () => {
    expect(visitorOutcomeText('missed')).toBe('No answer');
    expect(visitorOutcomeText('answered')).toBe('Call ended');
    expect(visitorOutcomeText('cancelled')).toBe('Call cancelled');
    expect(visitorOutcomeText('declined')).toMatch(/cannot come to the door/);
  });
});
