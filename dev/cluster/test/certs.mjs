// A throw-away CA and a serving certificate for 127.0.0.1 (webhook servers
// the API server calls in the tests).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
