import { describe, expect, it } from 'vitest';
import { deviceLabel } from '../../apps/home/src/components/call/deviceLabel.ts';
import { visitorOutcomeText } from '../../apps/home/src/components/doorbell/outcomeText.ts';
import {
  periodError,
  periodHint,
} from '../../apps/home/src/components/doorbell/manage/dndPeriod.ts';

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

describe('do-not-disturb schedule editor', () => {
  it('says what is wrong with a period before anything is sent', () => {
    expect(periodError({ days: [], start: '22:00', end: '07:00' })).toBe('Pick at least one day.');
    expect(periodError({ days: [1], start: '', end: '07:00' })).toBe('Enter both times (HH:MM).');
    expect(periodError({ days: [1], start: '24:00', end: '07:00' })).toBe(
      'Enter both times (HH:MM).',
    );
    expect(periodError({ days: [0, 6], start: '22:00', end: '07:00' })).toBeNull();
    expect(periodHint({ days: [5], start: '22:00', end: '07:00' })).toBe(
      'Until 07:00 the next morning.',
    );
    expect(periodHint({ days: [5], start: '09:00', end: '09:00' })).toBe('The whole day.');
  });
});
