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
 * pulls). With Harbor, a per-profile robot account limited to the shared
 * project and the profile's own would be better: not built.
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

/** The `.dockerconfigjson` content for the credentials. */
export function dockerConfigJson(credentials: RegistryPullCredentials): string {
  const { server, username, password } = credentials;
  return JSON.stringify({
    auths: {
      [server]: {
        username,
        password,
        auth: Buffer.from(`${username}:${password}`).toString('base64'),
      },
    },
  });
}

/** The pull secret, and `imagePullSecrets` for the accounts that use it. */
export function registryPullSecretObjects(
  credentials: RegistryPullCredentials,
  namespace: string,
  labels: Record<string, string>,
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
