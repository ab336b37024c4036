import { createHash } from 'node:crypto';
import type { KnotObject } from './manifests';

/**
 * The pull secret Knot writes into every profile namespace when
 * `knot.images.registry` has credentials, and the ServiceAccounts that list
 * it in `imagePullSecrets` (so a pod needs no pull secret of its own).
 *
 * Which credential: the registry's shared credentials from config (the same
 * account the image gateway uses). Every profile can therefore pull every
 * image of the registry, which matches the gateway's model (the shared area
 * is for all, and profile areas are listed per profile, not hidden from
 * pulls). With Harbor's API configured (`knot.integrations.harbor.api`)
 * the secret carries the profile's own pull-only robot account instead
 * (harbor/HarborProfileAccess.ts), and the shared credentials only for
 * another registry host.
 */
export const REGISTRY_PULL_SECRET = 'knot-registry';
/** SHA-256 of the secret's content: compared, so an unchanged config writes nothing. */
export const REGISTRY_CREDENTIALS_HASH = 'knot/registry-credentials-sha256';
/** The ServiceAccount every pod without one runs as. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

export interface RegistryPullCredentials {
  /** Host (and port) pods pull from: the key of `auths`. */
  server: string;
  username: string;
  password: string;
}

/**
 * The `.dockerconfigjson` content for the credentials; the first for a
 * server wins (the profile's own before the shared ones).
 */
export function dockerConfigJson(
  credentials: RegistryPullCredentials | RegistryPullCredentials[],
): string {
  const auths: Record<string, object> = {};
  for (const { server, username, password } of [credentials].flat()) {
    auths[server] ??= {
      username,
      password,
      auth: Buffer.from(`${username}:${password}`).toString('base64'),
    };
  }
  return JSON.stringify({ auths });
}

/** The credentials a live pull secret holds for a server, if any. */
export function pullSecretCredentials(
  secret: unknown,
  server: string,
): { username: string; password: string } | undefined {
  const content = (secret as { data?: Record<string, string> } | undefined)
    ?.data?.['.dockerconfigjson'];
  if (!content) return undefined;
  try {
    const auth = JSON.parse(Buffer.from(content, 'base64').toString()).auths?.[
      server
    ];
    if (
      typeof auth?.username === 'string' &&
      typeof auth.password === 'string'
    ) {
      return { username: auth.username, password: auth.password };
    }
  } catch {
    // not Knot's format: as good as none
  }
  return undefined;
}

/** The pull secret, and `imagePullSecrets` for the accounts that use it. */
export function registryPullSecretObjects(
  credentials: RegistryPullCredentials | RegistryPullCredentials[],
  namespace: string,
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
): { secret: KnotObject; imagePullSecrets: Array<{ name: string }> } {
  const content = dockerConfigJson(credentials);
  return {
    secret: {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: {
        name: REGISTRY_PULL_SECRET,
        namespace,
        labels,
        annotations: {
          ...annotations,
          [REGISTRY_CREDENTIALS_HASH]: createHash('sha256')
            .update(content)
            .digest('hex'),
        },
      },
      data: {
        '.dockerconfigjson': Buffer.from(content).toString('base64'),
      },
    },
    imagePullSecrets: [{ name: REGISTRY_PULL_SECRET }],
  };
}

/** Whether a live ServiceAccount lists Knot's pull secret. */
export function listsPullSecret(account: unknown): boolean {
  const secrets = (account as { imagePullSecrets?: Array<{ name?: string }> })
    ?.imagePullSecrets;
  return !!secrets?.some(s => s.name === REGISTRY_PULL_SECRET);
}
