import { forbiddenRange, parseIp } from '../../domain/ip-address.js';

/**
 * Which webhook URLs may be called. NOTE: an admin-chosen URL is fetched by the server, from inside
 * its network: without this rule a webhook could read cloud metadata (169.254.169.254) or reach
 * services bound to loopback or the private network (SSRF). At creation: scheme, literal addresses
 * and names that are local by definition (no DNS there: an answer can change afterwards). At every
 * delivery: scheme and literal addresses again, then each address the name resolves to, right
 * before connecting to that very address (post.ts). WEBHOOK_ALLOW_PRIVATE_TARGETS lifts the address
 * rules, for local development only; the scheme rule always holds.
 */

/** Names that only ever resolve inside a host or a private network (RFC 6761, 6762, 8375; .internal). */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa)$/;

/** The refusal text for an address in a forbidden range. */
export function addressRefusal(address: string, range: string, name?: string): string {
  const what = name ? `${name} resolves to ${address}, a` : `${address} is a`;
  return `${what} ${range} address; webhooks may only reach public addresses`;
}

/**
 * Why this URL must not be called, judged without DNS: not http(s), or a literal non-public
 * address (the WHATWG parser has already turned 2130706433, 0x7f.1 or 0177.0.0.1 into 127.0.0.1).
 */
export function literalTargetRefusal(target: URL, allowPrivateTargets: boolean): string | null {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return 'only http and https URLs';
  if (allowPrivateTargets || !parseIp(target.hostname)) return null;
  const range = forbiddenRange(target.hostname);
  return range ? addressRefusal(target.hostname, range) : null;
}

/** Why a new webhook's URL is refused, or null: the literal rule, plus local and single-label names. */
export function webhookUrlRefusal(url: string, allowPrivateTargets: boolean): string | null {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  const refusal = literalTargetRefusal(target, allowPrivateTargets);
  if (refusal || allowPrivateTargets || parseIp(target.hostname)) return refusal;
  const host = target.hostname.replace(/\.$/, '').toLowerCase();
  if (LOCAL_NAME.test(host) || !host.includes('.')) return `${host} is a local name, not a public host name`;
  return null;
}
