import { type LookupAddress, lookup } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { forbiddenRange } from '../../domain/ip-address.js';
import { addressRefusal, literalTargetRefusal } from './target.js';

/** A delivery refused before connecting: the target is (or resolves to) a non-public address. */
export class WebhookTargetRefused extends Error {
  override name = 'WebhookTargetRefused';
}

/**
 * Resolves like the system does, then refuses the name when any of its addresses is not public.
 * The socket connects to the addresses returned here, so a DNS answer that changes between the
 * check and the connection (rebinding) cannot slip a private address in.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '');
    for (const { address } of addresses) {
      const range = forbiddenRange(address);
      if (range) return callback(new WebhookTargetRefused(addressRefusal(address, range, hostname)), '');
    }
    const [first] = addresses;
    if (!first) return callback(new Error(`${hostname} has no address`), '');
    // net asks for every address when it races IPv4 and IPv6 (autoSelectFamily), else for one.
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  });
};

export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivateTargets: boolean;
}

/**
 * POSTs a webhook and answers the HTTP status; the response body is not read. Redirects are not
 * followed. Throws WebhookTargetRefused for a non-public target (unless allowed), else network errors.
 */
export async function postWebhook(url: string, webhook: WebhookRequest): Promise<number> {
  const target = URL.parse(url);
  const refusal = target ? literalTargetRefusal(target, webhook.allowPrivateTargets) : 'not a valid URL';
  if (!target || refusal) throw new WebhookTargetRefused(refusal ?? 'not a valid URL');
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...webhook.headers, 'content-length': String(Buffer.byteLength(webhook.body)) },
    signal: AbortSignal.timeout(webhook.timeoutMs),
    agent: false,
    ...(webhook.allowPrivateTargets ? {} : { lookup: publicOnlyLookup }),
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const request = send(target, options, (response) => {
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    request.on('error', reject);
    request.end(webhook.body);
  });
}
