// Knot's pre-delete hook (uninstall.deleteUserData): deletes this
// installation's profile namespaces (users' services with them) and the PVs
// of their data domains, found by Knot's labels under the namespace prefix,
// empties the data domains on the storage, and waits until the namespaces
// are gone. No dependencies: Node.js and the ServiceAccount's token.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

const account = '/var/run/secrets/kubernetes.io/serviceaccount';
const token = readFileSync(join(account, 'token'), 'utf8');
const ca = readFileSync(join(account, 'ca.crt'));
const prefix = process.env.KNOT_NAMESPACE_PREFIX;
const storage = process.env.KNOT_STORAGE;
const managedByKnot = encodeURIComponent('app.kubernetes.io/managed-by=knot');

function api(method, path) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: process.env.KUBERNETES_SERVICE_HOST,
        port: process.env.KUBERNETES_SERVICE_PORT,
        method,
        path,
        ca,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
        },
      },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', d => (body += d));
        res.on('end', () => {
          // Already gone is what a delete wants.
          if (
            res.statusCode < 300 ||
            (method === 'DELETE' && res.statusCode === 404)
          ) {
            resolve(body ? JSON.parse(body) : {});
          } else {
            reject(
              new Error(`${method} ${path}: HTTP ${res.statusCode} ${body}`),
            );
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const profileNamespaces = async () =>
  (await api('GET', `/api/v1/namespaces?labelSelector=${managedByKnot}`)).items
    .map(ns => ns.metadata.name)
    .filter(name => name.startsWith(prefix));

for (const name of await profileNamespaces()) {
  await api('DELETE', `/api/v1/namespaces/${name}`);
  console.log(`deleted namespace ${name}`);
}
const volumes = (
  await api('GET', `/api/v1/persistentvolumes?labelSelector=${managedByKnot}`)
).items;
for (const pv of volumes) {
  if (!pv.spec.claimRef?.namespace?.startsWith(prefix)) continue;
  await api('DELETE', `/api/v1/persistentvolumes/${pv.metadata.name}`);
  console.log(`deleted PV ${pv.metadata.name}`);
}
for (const domain of ['private', 'shared']) {
  const dir = join(storage, domain);
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  for (const entry of entries)
    rmSync(join(dir, entry), { recursive: true, force: true });
  console.log(`emptied ${dir} (${entries.length} entries)`);
}
// Helm removes the portal next: the namespaces must not outlive it half-deleted.
const deadline = Date.now() + 240_000;
for (;;) {
  const left = await profileNamespaces();
  if (left.length === 0) break;
  if (Date.now() > deadline) {
    throw new Error(`namespaces still terminating: ${left.join(', ')}`);
  }
  await new Promise(resolve => setTimeout(resolve, 2000));
}
console.log('profile namespaces gone');
