// Where a webhook may point. Only globally routable unicast addresses are reachable:
// loopback, private (RFC 1918), link-local (incl. the 169.254.169.254 metadata address),
// unique-local, CGNAT, multicast, unspecified, broadcast, reserved and documentation ranges
// are refused, for IPv4, IPv6 and IPv4-mapped IPv6 alike. Addresses are normalised by
// ipaddr.js (0x7f000001, 2130706433 and 127.1 are all 127.0.0.1), never matched as text.
//
// The check runs twice: at registration (the URL's literal address, or what its name
// resolves to now), and at every connection, on the address the socket is about to use
// (a custom `lookup` for the HTTP request), so a name re-pointed after registration (DNS
// rebinding) is refused too. Redirects are never followed.
//
// Staff endpoints (no contract) may reach the ranges an operator lists in
// WEBHOOK_ALLOW_PRIVATE_CIDRS (an internal pager, a test receiver); customers never can.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { AppError } from "../shared/errors.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];
type LookupAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface WebhookTargetPolicy {
  /** Ranges staff endpoints may reach although not public (WEBHOOK_ALLOW_PRIVATE_CIDRS). */
  allowPrivate: readonly Cidr[];
  /** Name resolution; dns.lookup unless a test injects one. */
  lookup?: LookupAll;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookTargetPolicy = { allowPrivate: [] };

/** Parses "10.0.0.0/8, 127.0.0.1/32, ::1/128"; throws naming the first bad entry. */
export function parseCidrList(list: string): Cidr[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      try {
        return ipaddr.parseCIDR(s);
      } catch {
        throw new Error(`not a CIDR range: ${s}`);
      }
    });
}

export function webhookPolicy(allowPrivateCidrs: readonly string[]): WebhookTargetPolicy {
  return { allowPrivate: allowPrivateCidrs.flatMap((c) => parseCidrList(c)) };
}

/** Null when the address may be reached; otherwise the name of the range that forbids it. */
export function forbiddenRange(
  address: string,
  opts: { staff: boolean; policy: WebhookTargetPolicy },
): string | null {
  let ip: Address;
  try {
    ip = ipaddr.parse(address.replace(/^\[|\]$/g, ""));
  } catch {
    return "invalid";
  }
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (opts.staff && opts.policy.allowPrivate.some((c) => c[0].kind() === ip.kind() && ip.match(c)))
    return null;
  const range = ip.range();
  return range === "unicast" ? null : range;
}

const refused = (message: string) =>
  new AppError("VALIDATION", `webhook url refused: ${message}`, [{ path: "url", message }]);

function resolveAll(policy: WebhookTargetPolicy, host: string): Promise<LookupAddress[]> {
  const lookup: LookupAll = policy.lookup ?? dnsLookup;
  return new Promise((resolve, reject) =>
    lookup(host, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    ),
  );
}

/**
 * Registration-time check: the URL's literal address, or every address its name resolves
 * to now, must be reachable. A name that does not resolve yet is accepted: the
 * connect-time check decides when the platform actually sends.
 */
export async function assertWebhookTarget(
  url: string,
  opts: { staff: boolean; policy: WebhookTargetPolicy },
): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refused("not a URL");
  }
  if (parsed.username || parsed.password) throw refused("must not carry credentials");
  const host = parsed.hostname.replace(/^\[|\]$/g, "").replace(/\.+$/, "");
  // RFC 6761: localhost names are loopback whatever a resolver says.
  if (host === "localhost" || host.endsWith(".localhost"))
    throw refused(`${host} is a loopback name`);
  if (ipaddr.isValid(host)) {
    const range = forbiddenRange(host, opts);
    if (range) throw refused(`${host} is a ${range} address`);
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(opts.policy, host);
  } catch {
    return;
  }
  for (const a of addresses) {
    const range = forbiddenRange(a.address, opts);
    if (range) throw refused(`${host} resolves to ${a.address}, a ${range} address`);
  }
}

/** Thrown (as the connect error) when a connection would reach a forbidden address. */
export class ForbiddenTargetError extends Error {
  readonly code = "EFORBIDDENTARGET";
  constructor(message: string) {
    super(message);
    this.name = "ForbiddenTargetError";
  }
}

/**
 * A `lookup` for http(s).request: resolves as usual, then refuses the connection when any
 * resolved address is forbidden (so no socket is ever opened towards it).
 */
export function guardedLookup(opts: {
  staff: boolean;
  policy: WebhookTargetPolicy;
}): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(opts.policy, hostname).then(
      (addresses) => {
        const bad = addresses.find((a) => forbiddenRange(a.address, opts) !== null);
        if (bad || addresses.length === 0) {
          const why = bad
            ? `${hostname} resolves to ${bad.address}, a ${forbiddenRange(bad.address, opts)} address`
            : `${hostname} has no address`;
          callback(new ForbiddenTargetError(why), "", 4);
          return;
        }
        const wanted = options.family === 6 ? 6 : options.family === 4 ? 4 : 0;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
        if (options.all) callback(null, usable);
        else callback(null, usable[0]?.address ?? "", usable[0]?.family ?? 4);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 4),
    );
  };
}

/** The connect-time check for a URL whose host is a literal address (lookup is not called). */
export function literalTargetProblem(
  url: URL,
  opts: { staff: boolean; policy: WebhookTargetPolicy },
): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!ipaddr.isValid(host)) return null;
  const range = forbiddenRange(host, opts);
  return range ? `${host} is a ${range} address` : null;
}
