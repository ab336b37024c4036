// A throw-away CA and a serving certificate for 127.0.0.1 (webhook servers
// the API server calls in the tests); certificates from the ingress's CA.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './lib.mjs';

// CA + serving cert with IP SAN 127.0.0.1 (the API server verifies it).
export async function makeCerts(dir) {
  const o = args => run('openssl', args);
  await o([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=knot-test-webhook-ca',
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    join(dir, 'ca.crt'),
  ]);
  await o([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    join(dir, 'tls.key'),
    '-out',
    join(dir, 'tls.csr'),
  ]);
  writeFileSync(
    join(dir, 'ext'),
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  await o([
    'x509',
    '-req',
    '-in',
    join(dir, 'tls.csr'),
    '-CA',
    join(dir, 'ca.crt'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    join(dir, 'ext'),
    '-out',
    join(dir, 'tls.crt'),
  ]);
  const read = f => readFileSync(join(dir, f));
  return { ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key') };
}

/**
 * A serving certificate for `<domain>` and `*.<domain>` signed by the
 * ingress's local CA (`KNOT_INGRESS_CA`, its key beside it), as an admin's
 * certificate for a Knot domain would be: the cluster's own certificate
 * covers only one level under `KNOT_INGRESS_DOMAIN`, not services under a
 * subdomain of it. Returns the paths of `tls.crt` and `tls.key` in `dir`.
 */
export async function ingressCertificate(dir, domain) {
  const ca = process.env.KNOT_INGRESS_CA;
  const o = args => run('openssl', args);
  const file = f => join(dir, f);
  await o([
    'ecparam',
    '-name',
    'prime256v1',
    '-genkey',
    '-noout',
    '-out',
    file('tls.key'),
  ]);
  await o([
    'req',
    '-new',
    '-key',
    file('tls.key'),
    '-subj',
    `/CN=${domain}`,
    '-out',
    file('tls.csr'),
  ]);
  writeFileSync(
    file('tls.ext'),
    'basicConstraints=CA:FALSE\n' +
      'keyUsage=critical,digitalSignature,keyEncipherment\n' +
      'extendedKeyUsage=serverAuth\n' +
      `subjectAltName=DNS:${domain},DNS:*.${domain}\n`,
  );
  await o([
    'x509',
    '-req',
    '-in',
    file('tls.csr'),
    '-CA',
    ca,
    '-CAkey',
    join(dirname(ca), 'ca.key'),
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-days',
    '2',
    '-extfile',
    file('tls.ext'),
    '-out',
    file('tls.crt'),
  ]);
  return { cert: file('tls.crt'), key: file('tls.key') };
}
