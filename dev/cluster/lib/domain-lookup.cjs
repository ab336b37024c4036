// Preloaded into Node (NODE_OPTIONS=--require) by scripts/start when the
// ingress domain does not resolve (no DNS on this machine; with public DNS
// *.localtest.me already is 127.0.0.1): names under KNOT_INGRESS_DOMAIN are
// 127.0.0.1, so the backend reaches its own public URL (the OIDC issuer)
// through the local ingress. Every other name is looked up as usual.
'use strict';
const dns = require('node:dns');

const domain = (process.env.KNOT_INGRESS_DOMAIN || '').toLowerCase();
if (domain) {
  const ours = host =>
    typeof host === 'string' &&
    (host.toLowerCase() === domain ||
      host.toLowerCase().endsWith(`.${domain}`));
  const answer = options => {
    const all = typeof options === 'object' && options !== null && options.all;
    return all ? [{ address: '127.0.0.1', family: 4 }] : '127.0.0.1';
  };

  const lookup = dns.lookup;
  dns.lookup = function knotLookup(host, options, callback) {
    if (!ours(host)) return lookup.apply(this, arguments);
    const cb = typeof options === 'function' ? options : callback;
    const result = answer(options);
    process.nextTick(() =>
      Array.isArray(result) ? cb(null, result) : cb(null, result, 4),
    );
    return undefined;
  };

  const promisesLookup = dns.promises.lookup;
  dns.promises.lookup = async function knotPromisesLookup(host, options) {
    if (!ours(host)) return promisesLookup.apply(this, arguments);
    const result = answer(options);
    return Array.isArray(result) ? result : { address: result, family: 4 };
  };
}
