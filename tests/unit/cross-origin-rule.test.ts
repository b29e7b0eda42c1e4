import { describe, expect, it } from 'vitest';
import { isSameOriginOrTrusted } from '../../server/http/cross-origin.js';

const base = { ownOrigin: 'https://api.shop.example', trustedOrigins: ['https://shop.example'] };

describe('the cross-origin rule of the API reference', () => {
  it.each([
    [{ secFetchSite: 'same-origin', origin: undefined }, true],
    [{ secFetchSite: 'none', origin: undefined }, true],
    [{ secFetchSite: 'same-site', origin: 'https://shop.example' }, true],
    [{ secFetchSite: 'same-site', origin: 'https://other.shop.example' }, false],
    [{ secFetchSite: 'cross-site', origin: 'https://shop.example' }, true],
    [{ secFetchSite: 'cross-site', origin: 'https://evil.example' }, false],
    [{ secFetchSite: 'cross-site', origin: undefined }, false],
    // With Sec-Fetch-Site present, even the own origin must come as same-origin.
    [{ secFetchSite: 'cross-site', origin: 'https://api.shop.example' }, false],
    [{ secFetchSite: 'bogus', origin: undefined }, false],
    [{ secFetchSite: undefined, origin: 'https://api.shop.example' }, true],
    [{ secFetchSite: undefined, origin: 'https://shop.example' }, true],
    [{ secFetchSite: undefined, origin: 'null' }, false],
    [{ secFetchSite: undefined, origin: 'https://api.shop.example.evil.example' }, false],
    [{ secFetchSite: undefined, origin: 'http://api.shop.example' }, false],
    [{ secFetchSite: undefined, origin: undefined }, true],
  ])('%o → %s', (headers, allowed) => {
    expect(isSameOriginOrTrusted({ ...base, ...headers })).toBe(allowed);
  });
});
