// Creates a development CA and serving certificate (SANs 127.0.0.1, localhost):
//   yarn workspace @knot-platform/knot-webhook dev-cert <dir> [extra SANs...]
import path from 'node:path';
import { createDevCertificates } from '../server/devCertificates';

/* eslint-disable no-console */
const [dir, ...extra] = process.argv.slice(2);
if (!dir) {
  console.error('usage: dev-cert <dir> [IP or DNS name ...]');
  process.exit(2);
}
const ips = ['127.0.0.1', ...extra.filter(s => /^[\d.]+$|:/.test(s))];
const dns = ['localhost', ...extra.filter(s => !/^[\d.]+$|:/.test(s))];
const certs = createDevCertificates(path.resolve(dir), { ips, dns });
console.log(
  `CA:          ${certs.caFile}\ncertificate: ${certs.certFile}\nkey:         ${certs.keyFile}`,
);
