import { isIP } from 'node:net';

/**
 * The client a rate limit counts against: the address the connection came from, or, behind
 * `trustedHops` proxies (ingress-nginx: 1), the address the outermost trusted proxy saw, read
 * from X-Forwarded-For counting from the right. Entries further left were written by the client
 * and are never used, so nobody can pick their own key; neither is a client-chosen header (an
 * id a client rotates at will is no limit against abuse), and /predict has no authenticated
 * client to key on.
 *
 * IPv6 clients are keyed by their /64 network: one host is normally given a whole /64, and could
 * otherwise take a fresh address (a fresh bucket) for every request.
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trustedHops: number,
): string {
  const remote = remoteAddress ?? 'unknown';
  if (trustedHops === 0 || forwardedFor === undefined) return keyOf(remote);
  // Several X-Forwarded-For headers read as one list, in order.
  const forwarded = (typeof forwardedFor === 'string' ? [forwardedFor] : forwardedFor)
    .flatMap((header) => header.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // [client?, proxy 1, ..., connection]: each trusted proxy appended the address it saw.
  const chain = [...forwarded, remote];
  const candidate = chain[Math.max(0, chain.length - 1 - trustedHops)];
  // A trusted proxy writes addresses; anything else means it did not, so the connection counts.
  return isIP(stripPort(candidate)) ? keyOf(stripPort(candidate)) : keyOf(remote);
}

/** The address in grpc-js's `getPeer()` ("1.2.3.4:5678", "::1:5678", "[::1]:5678"). */
export function grpcPeerAddress(peer: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(peer);
  if (bracketed) return bracketed[1];
  // The port first: "::1:5012" is also an IPv6 address, but grpc-js always appends the port.
  const withPort = /^(.*):\d+$/.exec(peer);
  if (withPort && isIP(withPort[1])) return withPort[1];
  return isIP(peer) ? peer : undefined;
}

/** "1.2.3.4:80" and "[::1]:80" (some proxies write ports) to the bare address. */
function stripPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1];
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(entry);
  return v4 ? v4[1] : entry;
}

function keyOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, "::" expanded (a zone id such as "%eth0" dropped). */
function expandIpv6(address: string): string[] {
  const [head, tail] = address.split('%')[0].toLowerCase().split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}
