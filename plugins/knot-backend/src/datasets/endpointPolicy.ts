import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * Which S3 endpoints "Test connection" (and so dataset creation) may reach.
 * The endpoint is the user's: without a rule the backend would connect
 * wherever it is told, and the kind of failure ("unreachable", "TLS",
 * "access denied") would map the portal's internal network and cloud
 * metadata addresses for anyone signed in. So addresses on loopback,
 * private, link-local and other non-public networks are refused unless an
 * admin lists the endpoint's host in `knot.datasets.allowedEndpoints`.
 */
export interface EndpointPolicy {
  /** Hosts (`s3.example.org`, `*.example.org`, `10.1.2.3`) allowed anywhere. */
  allowedHosts: string[];
}

/** Node's error code when the policy refuses an address. */
export const ENDPOINT_REFUSED = 'EKNOTENDPOINT';

const nonPublic = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3], // multicast and reserved
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127], // unspecified and loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is outside the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  if (mapped) return isNonPublicAddress(mapped);
  const family = net.isIP(address);
  if (family === 0) return true;
  return nonPublic.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether an admin allowed this host (exact, or under a `*.` suffix). */
export function isAllowedHost(host: string, policy: EndpointPolicy): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return policy.allowedHosts.some(pattern => {
    const p = pattern.toLowerCase();
    return p.startsWith('*.') ? name.endsWith(p.slice(1)) : name === p;
  });
}

function refused(host: string): NodeJS.ErrnoException {
  return Object.assign(
    new Error(
      `${host} is on a local or private network, which an admin has not allowed`,
    ),
    { code: ENDPOINT_REFUSED },
  );
}

/**
 * HTTP agents whose connections go only where the policy allows. The check
 * sits in the lookup the socket itself uses, so a name that resolves to a
 * public address when checked and a private one when connecting (DNS
 * rebinding) is still refused; IP literals, which skip the lookup, are
 * checked here first.
 */
export function guardedAgents(
  endpoint: URL,
  policy: EndpointPolicy,
): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const host = endpoint.hostname.replace(/^\[|\]$/g, '');
  const allowed = isAllowedHost(host, policy);
  if (!allowed && net.isIP(host) && isNonPublicAddress(host)) {
    throw refused(host);
  }
  const lookup: net.LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const found = addresses as dns.LookupAddress[];
      if (!allowed && found.some(a => isNonPublicAddress(a.address))) {
        callback(refused(hostname), '', 0);
        return;
      }
      if ((options as dns.LookupOptions).all) {
        (callback as any)(null, found);
      } else {
        callback(null, found[0].address, found[0].family);
      }
    });
  };
  return {
    httpAgent: new http.Agent({ lookup }),
    httpsAgent: new https.Agent({ lookup }),
  };
}
