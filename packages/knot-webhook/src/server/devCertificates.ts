import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface DevCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
  caPem: string;
}

/**
 * Creates a local CA and a serving certificate signed by it (EC P-256, one
 * year) with the openssl CLI, for development and tests. The API server
 * checks subjectAltNames only, so 127.0.0.1 and localhost are SANs.
 */
export function createDevCertificates(
  dir: string,
  sans: { ips?: string[]; dns?: string[] } = {},
): DevCertificates {
  fs.mkdirSync(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  const ips = sans.ips ?? ['127.0.0.1'];
  const dns = sans.dns ?? ['localhost'];
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { stdio: 'pipe' });

  openssl(
    'ecparam',
    '-name',
    'prime256v1',
    '-genkey',
    '-noout',
    '-out',
    f('ca.key'),
  );
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    f('ca.key'),
    '-sha256',
    '-days',
    '365',
    '-subj',
    '/CN=knot-webhook-dev-ca',
    '-out',
    f('ca.crt'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl(
    'ecparam',
    '-name',
    'prime256v1',
    '-genkey',
    '-noout',
    '-out',
    f('tls.key.tmp'),
  );
  // PKCS#8, the form every TLS stack reads.
  openssl(
    'pkcs8',
    '-topk8',
    '-nocrypt',
    '-in',
    f('tls.key.tmp'),
    '-out',
    f('tls.key'),
  );
  fs.rmSync(f('tls.key.tmp'));
  openssl(
    'req',
    '-new',
    '-key',
    f('tls.key'),
    '-subj',
    '/CN=knot-webhook',
    '-out',
    f('tls.csr'),
  );
  const alt = [...ips.map(ip => `IP:${ip}`), ...dns.map(d => `DNS:${d}`)].join(
    ',',
  );
  fs.writeFileSync(
    f('tls.ext'),
    `subjectAltName=${alt}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    f('tls.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '365',
    '-sha256',
    '-extfile',
    f('tls.ext'),
    '-out',
    f('tls.crt'),
  );
  return {
    caFile: f('ca.crt'),
    certFile: f('tls.crt'),
    keyFile: f('tls.key'),
    caPem: fs.readFileSync(f('ca.crt'), 'utf8'),
  };
}
