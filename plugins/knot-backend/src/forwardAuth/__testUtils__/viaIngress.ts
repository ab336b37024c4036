import fs from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { describeWithCluster } from '@knot-platform/knot-test-utils';

// Requests through the real ingress of dev/cluster (Traefik v3, its
// Kubernetes Ingress NGINX provider) to the hello image on the real node,
// whose /api/headers echoes what the service received. Needs the cluster's
// real node (KNOT_REAL_NODE=1) and KNOT_INGRESS_* of `cluster.sh env`.
const realIngress =
  process.env.KNOT_REAL_NODE === '1' && !!process.env.KNOT_INGRESS_ADDRESS;
export const describeWithIngress = realIngress
  ? describeWithCluster
  : describe.skip;

export const domain = process.env.KNOT_INGRESS_DOMAIN ?? 'knot.localtest.me';
const [ingressHost, ingressPort] = (
  process.env.KNOT_INGRESS_ADDRESS ?? '127.0.0.1:0'
).split(':');
const ca = process.env.KNOT_INGRESS_CA
  ? fs.readFileSync(process.env.KNOT_INGRESS_CA)
  : undefined;
export const helloImage = (() => {
  const env = fs.readFileSync(
    `${__dirname}/../../../../../dev/images/images.env`,
    'utf8',
  );
  const value = (key: string) =>
    env.match(new RegExp(`^${key}=(.*)$`, 'm'))![1];
  return `${value('KNOT_IMAGE_REGISTRY')}/${value('IMAGE_hello')}`;
})();

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * A request through the ingress: TLS to its loopback address with SNI
 * `sni`; `target` (the request line's) may be an absolute URI; header
 * values may be lists (sent as repeated lines).
 */
export function viaIngress(
  sni: string,
  target: string,
  headers: Record<string, string | string[]> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: ingressHost,
        port: Number(ingressPort),
        servername: sni,
        path: target,
        headers: { Host: sni, ...headers },
        ca,
        agent: false,
      },
      res => {
        let text = '';
        res.setEncoding('utf8').on('data', d => (text += d));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text }),
        );
      },
    );
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error(`timeout ${sni}`)));
    req.end();
  });
}

/** A raw HTTP/1.1 request over TLS, for forms clients do not produce. */
export function rawViaIngress(sni: string, head: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: ingressHost, port: Number(ingressPort), servername: sni, ca },
      () => socket.end(`${head}\r\nConnection: close\r\n\r\n`),
    );
    let data = '';
    socket.setEncoding('utf8').on('data', d => (data += d));
    socket.on('error', reject);
    socket.on('end', () => {
      const [top, ...rest] = data.split('\r\n\r\n');
      resolve({
        status: Number(top.split(' ')[1]),
        headers: {},
        text: rest.join('\r\n\r\n'),
      });
    });
  });
}
