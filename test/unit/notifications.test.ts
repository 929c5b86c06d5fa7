import { describe, expect, it } from 'vitest';
import { readTicket } from '../../src/clicks';
import { isTicket, notificationUrl } from '../../src/notifications';

const keys = { customerKey: 'e3921377-18a2-47c9-a449-06b894898623', sessionKey: '0b05119e-eeb8-418a-bbfb-defa0dde417e' };

describe('notificationUrl', () => {
  it('builds the spec URL of each type with the three required parameters', () => {
    expect(notificationUrl('https://w0.api.esales.apptus.cloud', 'UK', 'click', keys)).toBe(
      'https://w0.api.esales.apptus.cloud/api/v2/notifications/click?customerKey=e3921377-18a2-47c9-a449-06b894898623&market=UK&sessionKey=0b05119e-eeb8-418a-bbfb-defa0dde417e');
    expect(notificationUrl('https://proxy.example/elevate', 'UK', 'end', keys)).toBe(
      'https://proxy.example/elevate/api/v2/notifications/end?customerKey=e3921377-18a2-47c9-a449-06b894898623&market=UK&sessionKey=0b05119e-eeb8-418a-bbfb-defa0dde417e');
  });

  it('encodes values so that none can change the query', () => {
    const url = new URL(notificationUrl('https://w0.example', 'UK&x=1 #', 'click', { customerKey: 'a/b+c', sessionKey: 's?=' }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ customerKey: 'a/b+c', market: 'UK&x=1 #', sessionKey: 's?=' });
    expect(url.hash).toBe('');
  });
});

describe('isTicket', () => {
  it('accepts real tickets and refuses empty, whitespace, non-strings and absurd lengths', () => {
    expect(isTicket('Oy9mYXNoaW9uL0RFU0tUT1A7')).toBe(true);
    expect(isTicket(' padded ')).toBe(true);
    expect(isTicket('x'.repeat(4096))).toBe(true);
    for (const bad of ['', '   ', '\n\t', 'x'.repeat(4097), undefined, null, 42, {}]) expect(isTicket(bad)).toBe(false);
  });
});

describe('readTicket', () => {
  /** A stand-in for an event: only composedPath() is read. */
  const element = (ticket?: string) => ({ getAttribute: (name: string) => (name == 'data-elevate-ticket' && ticket !== undefined ? ticket : null) });
  const eventOver = (...path: object[]) => ({ composedPath: () => path }) as unknown as Event;

  it('finds the closest ticketed element on the path, skipping nodes without attributes', () => {
    const shadowRoot = {};
    const event = eventOver(element(), shadowRoot, element('T-inner'), element('T-outer'), {} /* document */, {} /* window */);
    expect(readTicket(event, 'data-elevate-ticket')).toBe('T-inner');
  });

  it('returns an empty ticket as found (the caller skips it) and undefined without one', () => {
    expect(readTicket(eventOver(element(''), element('T')), 'data-elevate-ticket')).toBe('');
    expect(readTicket(eventOver(element(), {}), 'data-elevate-ticket')).toBeUndefined();
    expect(readTicket(eventOver(), 'data-elevate-ticket')).toBeUndefined();
  });
});
