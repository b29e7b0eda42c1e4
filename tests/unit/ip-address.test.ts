import { BlockList, isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientAddressBucket, forbiddenRange, parseIp } from '../../server/domain/ip-address.js';
import { webhookUrlRefusal } from '../../server/integrations/webhooks/target.js';

describe('forbiddenRange', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['192.0.0.8', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'reserved'], // IPv4-compatible, deprecated
    ['64:ff9b::7f00:1', 'loopback'], // NAT64 of 127.0.0.1
    ['2002:7f00:1::', 'loopback'], // 6to4 of 127.0.0.1
    ['2002:a9fe:a9fe::1', 'link-local'], // 6to4 of 169.254.169.254
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'], // Teredo
    ['100::1', 'reserved'], // discard-only
    ['fec0::1', 'reserved'], // old site-local
    ['not an address', 'reserved'],
    ['256.0.0.1', 'reserved'],
    ['01.2.3.4', 'reserved'], // not canonical dotted-quad: not parsed, so refused
  ])('%s is %s', (address, range) => {
    expect(forbiddenRange(address)).toBe(range);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:82b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('%s is public', (address) => {
    expect(forbiddenRange(address)).toBeNull();
  });

  const v4 = fc
    .tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 255 })))
    .map((b) => b.join('.'));

  it('judges an IPv4 address and its IPv4-mapped IPv6 forms alike', () => {
    fc.assert(
      fc.property(v4, (address) => {
        const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
        const hex = `::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        expect(forbiddenRange(`::ffff:${address}`)).toBe(forbiddenRange(address));
        expect(forbiddenRange(hex)).toBe(forbiddenRange(address));
      }),
    );
  });

  it("agrees with node's BlockList on the private, loopback and link-local ranges", () => {
    const blocked = new BlockList();
    for (const [net, bits] of [
      ['0.0.0.0', 8],
      ['10.0.0.0', 8],
      ['100.64.0.0', 10],
      ['127.0.0.0', 8],
      ['169.254.0.0', 16],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
      ['224.0.0.0', 3], // multicast and reserved, 224/4 + 240/4
    ] as const)
      blocked.addSubnet(net, bits, 'ipv4');
    fc.assert(
      fc.property(v4, (address) => {
        if (blocked.check(address, 'ipv4')) expect(forbiddenRange(address)).not.toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('parses what node calls an IP address, and nothing else', () => {
    const v6 = fc.ipV6();
    fc.assert(
      fc.property(fc.oneof(v4, v6, fc.string({ maxLength: 12 })), (text) => {
        expect(parseIp(text) !== null).toBe(isIP(text) !== 0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('clientAddressBucket', () => {
  it('keeps IPv4, unwraps IPv4-mapped addresses and counts IPv6 per /64', () => {
    expect(clientAddressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressBucket('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientAddressBucket('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(clientAddressBucket('unknown')).toBe('unknown');
  });
});

describe('webhookUrlRefusal', () => {
  it.each([
    ['http://127.0.0.1:8080/hook', /127\.0\.0\.1 is a loopback/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback/],
    ['http://0x7f000001/', /loopback/],
    ['http://0x7f.0.0.1/', /loopback/],
    ['http://0177.0.0.1/', /loopback/],
    ['http://127.1/', /loopback/],
    ['http://[::1]/', /loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[::]/', /unspecified/],
    ['http://0.0.0.0:3000/', /unspecified/],
    ['http://0/', /unspecified/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://[fe80::1]/', /link-local/],
    ['http://10.0.0.5/', /private/],
    ['http://192.168.0.1/', /private/],
    ['https://172.20.1.1/', /private/],
    ['http://100.64.1.1/', /carrier-grade NAT/],
    ['http://[fd00::1]/', /private/],
    ['http://224.0.0.1/', /multicast/],
    ['http://localhost:3000/', /local name/],
    ['http://LOCALHOST./', /local name/],
    ['http://api.localhost/', /local name/],
    ['http://metadata.google.internal/', /local name/],
    ['http://printer.local/', /local name/],
    ['http://nas.home.arpa/', /local name/],
    ['http://redis:6379/', /local name/],
    ['ftp://example.com/', /only http and https/],
    ['file:///etc/passwd', /only http and https/],
    ['not a url', /not a valid URL/],
  ])('refuses %s', (url, why) => {
    expect(webhookUrlRefusal(url, false)).toMatch(why);
  });

  it.each([
    'https://hooks.example.com/backroom',
    'http://8.8.8.8/',
    'https://[2606:4700:4700::1111]/',
    'https://localhost.example.com/',
  ])('accepts %s', (url) => {
    expect(webhookUrlRefusal(url, false)).toBeNull();
  });

  it('lets private targets through when allowed, but never another scheme', () => {
    expect(webhookUrlRefusal('http://127.0.0.1:9/', true)).toBeNull();
    expect(webhookUrlRefusal('http://localhost/', true)).toBeNull();
    expect(webhookUrlRefusal('gopher://127.0.0.1/', true)).toMatch(/only http and https/);
  });
});
