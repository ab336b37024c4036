/**
 * Words that read as letters, not as a word: `ui` is "UI", not "Ui". A value
 * name gives no other hint (`ui` and `uid` look alike), so the list is what
 * decides; words not on it keep their case, except the first letter of the
 * title.
 */
const ACRONYMS = new Set([
  'acl',
  'api',
  'ca',
  'cdn',
  'cors',
  'cpu',
  'crd',
  'csi',
  'db',
  'dns',
  'fqdn',
  'gid',
  'gpu',
  'grpc',
  'hpa',
  'html',
  'http',
  'https',
  'id',
  'io',
  'ip',
  'jdbc',
  'json',
  'jvm',
  'jwt',
  'ldap',
  'mtls',
  'nfs',
  'oauth',
  'oidc',
  'os',
  'pdb',
  'pvc',
  'rbac',
  's3',
  'saml',
  'sql',
  'smtp',
  'ssh',
  'sso',
  'ssl',
  'tcp',
  'tls',
  'ttl',
  'ui',
  'uid',
  'uri',
  'url',
  'udp',
  'vpn',
  'xml',
  'yaml',
]);

/** Plural acronyms keep a lower-case `s`: "URLs", not "URLS". */
const PLURALS = new Set([
  'apis',
  'cpus',
  'crds',
  'gpus',
  'ids',
  'ips',
  'pvcs',
  'uris',
  'urls',
]);

function acronym(word: string): string | undefined {
  if (ACRONYMS.has(word)) return word.toUpperCase();
  if (PLURALS.has(word)) return `${word.slice(0, -1).toUpperCase()}s`;
  return undefined;
}

/**
 * The title of a value name: camelCase, kebab-case and snake_case split into
 * words, known acronyms in capitals (`ui` → "UI", `apiUrl` → "API URL",
 * `tlsSecret` → "TLS secret"), the first letter in capitals.
 */
export function valueTitle(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[-_.]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(word => {
      const lower = word.toLowerCase();
      const letters = acronym(lower);
      if (letters) return letters;
      // Words that are all capitals (`ENV`) stay so; others read lower-case.
      return word === word.toUpperCase() && /[A-Z]/.test(word) ? word : lower;
    });
  const title = words.join(' ');
  return title.charAt(0).toUpperCase() + title.slice(1);
}
