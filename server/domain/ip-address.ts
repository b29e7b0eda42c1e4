/**
 * IP address rules, pure: parsing, which ranges an outbound request must never reach, and the
 * bucket a client address is counted under by rate limits.
 * @see https://www.iana.org/assignments/iana-ipv4-special-registry/
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 */

export type IpAddress = { version: 4; bytes: number[] } | { version: 6; bytes: number[] };

/** Why an address is refused as an outbound target. */
export type ForbiddenRange =
  | 'unspecified'
  | 'loopback'
  | 'link-local'
  | 'private'
  | 'carrier-grade NAT'
  | 'multicast'
  | 'reserved';

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((part) => (/^(0|[1-9]\d{0,2})$/.test(part) ? Number(part) : Number.NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

function parseIpv6(text: string): number[] | null {
  let rest = text;
  let tail: number[] = [];
  const lastColon = rest.lastIndexOf(':');
  if (rest.includes('.', lastColon)) {
    const v4 = parseIpv4(rest.slice(lastColon + 1));
    if (!v4) return null;
    tail = v4;
    rest = `${rest.slice(0, lastColon + 1)}0:0`; // placeholder groups, replaced below
  }
  const halves = rest.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groups(halves[0]);
  const back = groups(halves[1]);
  const missing = 8 - head.length - back.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...back];
  const bytes: number[] = [];
  for (const group of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    const value = Number.parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** Parses a dotted-quad IPv4 or an IPv6 address (brackets and a zone id allowed); else null. */
export function parseIp(text: string): IpAddress | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!bare.includes(':')) {
    const bytes = parseIpv4(bare);
    return bytes ? { version: 4, bytes } : null;
  }
  const zone = bare.indexOf('%');
  const bytes = parseIpv6(zone === -1 ? bare : bare.slice(0, zone));
  return bytes ? { version: 6, bytes } : null;
}

/** True when the first `bits` bits of `bytes` equal those of `prefix`. */
function inPrefix(bytes: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i * 8 < bits; i++) {
    const take = Math.min(8, bits - i * 8);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

const IPV4_RANGES: [number[], number, ForbiddenRange][] = [
  [[0, 0, 0, 0], 8, 'unspecified'], // "this network"
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'carrier-grade NAT'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local'], // cloud metadata lives at 169.254.169.254
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'reserved'], // IETF protocol assignments
  [[192, 0, 2, 0], 24, 'reserved'], // documentation
  [[192, 88, 99, 0], 24, 'reserved'], // 6to4 relay anycast
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'reserved'], // benchmarking
  [[198, 51, 100, 0], 24, 'reserved'], // documentation
  [[203, 0, 113, 0], 24, 'reserved'], // documentation
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved'], // and 255.255.255.255, broadcast
];

function forbiddenIpv4(bytes: number[]): ForbiddenRange | null {
  for (const [prefix, bits, range] of IPV4_RANGES) if (inPrefix(bytes, prefix, bits)) return range;
  return null;
}

const v6 = (text: string) => parseIpv6(text) ?? [];

/** IPv6 prefixes whose last 32 bits (or bits 16–48 for 6to4) are an IPv4 address reached through them. */
const MAPPED_V4 = v6('::ffff:0:0');
const NAT64 = v6('64:ff9b::');
const SIX_TO_FOUR = v6('2002::');

const IPV6_RANGES: [number[], number, ForbiddenRange][] = [
  [v6('fc00::'), 7, 'private'], // unique local
  [v6('fe80::'), 10, 'link-local'],
  [v6('ff00::'), 8, 'multicast'],
  [v6('2001::'), 23, 'reserved'], // IETF protocol assignments, Teredo among them
  [v6('2001:db8::'), 32, 'reserved'], // documentation
  [v6('3fff::'), 20, 'reserved'], // documentation
];

function forbiddenIpv6(bytes: number[]): ForbiddenRange | null {
  if (bytes.every((b) => b === 0)) return 'unspecified';
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return 'loopback';
  if (inPrefix(bytes, MAPPED_V4, 96) || inPrefix(bytes, NAT64, 96)) return forbiddenIpv4(bytes.slice(12));
  if (inPrefix(bytes, SIX_TO_FOUR, 16)) return forbiddenIpv4(bytes.slice(2, 6));
  for (const [prefix, bits, range] of IPV6_RANGES) if (inPrefix(bytes, prefix, bits)) return range;
  // Only global unicast (2000::/3) is reachable on the internet; the rest is special or unassigned.
  return ((bytes[0] ?? 0) & 0xe0) === 0x20 ? null : 'reserved';
}

/**
 * The range that makes `address` unfit as an outbound target (loopback, private, link-local, …),
 * or null for a public address. Text that is not an IP address answers 'reserved'.
 */
export function forbiddenRange(address: string): ForbiddenRange | null {
  const ip = parseIp(address);
  if (!ip) return 'reserved';
  return ip.version === 4 ? forbiddenIpv4(ip.bytes) : forbiddenIpv6(ip.bytes);
}

/**
 * The key a client address is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64,
 * the smallest block one subscriber usually holds. Anything else is kept verbatim.
 */
export function clientAddressBucket(address: string): string {
  const ip = parseIp(address);
  if (!ip) return address;
  if (ip.version === 4) return ip.bytes.join('.');
  if (inPrefix(ip.bytes, MAPPED_V4, 96)) return ip.bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2)
    groups.push((((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0)).toString(16));
  return `${groups.join(':')}::/64`;
}
