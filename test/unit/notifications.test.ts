import { describe, expect, it } from 'vitest';
import { isTicket, notificationUrl } from '../../src/notifications';

const keys = { customerKey: 'e3921377-18a2-47c9-a449-06b894898623', sessionKey: '0b05119e-eeb8-418a-bbfb-defa0dde417e' };

describe('notificationUrl', () => {
  it('builds the spec URL of each type with the three required parameters', () => {
    expect(notificationUrl('https://w0.api.esales.apptus.cloud', 'v2', 'UK', 'click', keys)).toBe(
      'https://w0.api.esales.apptus.cloud/api/v2/notifications/click?customerKey=e3921377-18a2-47c9-a449-06b894898623&market=UK&sessionKey=0b05119e-eeb8-418a-bbfb-defa0dde417e');
    expect(notificationUrl('https://proxy.example/elevate', 'v2', 'UK', 'end', keys)).toBe(
      'https://proxy.example/elevate/api/v2/notifications/end?customerKey=e3921377-18a2-47c9-a449-06b894898623&market=UK&sessionKey=0b05119e-eeb8-418a-bbfb-defa0dde417e');
  });

  it('encodes values so that none can change the query', () => {
    const url = new URL(notificationUrl('https://w0.example', 'v2', 'UK&x=1 #', 'click', { customerKey: 'a/b+c', sessionKey: 's?=' }));
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

describe('API v3 and the notification set', () => {
  it('builds v3 paths, and the anonymous query without keys', async () => {
    const { notificationUrl: url } = await import('../../src/notifications');
    expect(url('https://w0.elevate-api.cloud', 'v3', 'UK', 'add-to-cart', keys)).toBe(
      'https://w0.elevate-api.cloud/api/storefront/v3/notifications/add-to-cart?customerKey=e3921377-18a2-47c9-a449-06b894898623&market=UK&sessionKey=0b05119e-eeb8-418a-bbfb-defa0dde417e');
    expect(url('https://w0.elevate-api.cloud', 'v3', 'UK', 'click')).toBe(
      'https://w0.elevate-api.cloud/api/storefront/v3/notifications/click?market=UK&userContext=ANONYMOUS');
  });

  it('makes favorite and removal bodies, refusing bad arguments', async () => {
    const { favoriteBody, removalBody } = await import('../../src/notifications');
    expect(favoriteBody('pk-1')).toEqual({ productKey: 'pk-1' });
    expect(favoriteBody({ variantKey: 'vk-1' })).toEqual({ variantKey: 'vk-1' });
    for (const bad of ['', ' ', { productKey: 'a', variantKey: 'b' }, { sku: 'x' }, { productKey: 42 }]) {
      expect(favoriteBody(bad as never)).toBeUndefined();
    }
    expect(removalBody('phrases', ['dress'])).toEqual({ phrases: ['dress'] });
    expect(removalBody('productKeys', 'removeAll')).toEqual({ removeAll: true });
    for (const bad of [[], [''], ['ok', 3], 'all', undefined]) expect(removalBody('phrases', bad as never)).toBeUndefined();
  });
});
