import type { Config } from '@backstage/config';
import { readIntegrations } from '../integrations/config';

/**
 * `knot.integrations.harbor` with `api` credentials: Knot then gives every
 * profile its own Harbor project, members and a pull-only robot account
 * whose secret is the profile's pull secret (HarborProfileAccess.ts).
 */
export interface HarborProvisioningConfig {
  /** Harbor's URL: its API (`/api/v2.0`) and its registry (`/v2/`). */
  url: string;
  /** Host (and port) pods pull from: the URL's host. */
  pullHost: string;
  /** The project every profile may pull from. */
  publicProject: string;
  /** A Harbor system admin (creates projects, members and robots). */
  api: { username: string; password: string };
}

export function readHarborProvisioningConfig(
  config: Config,
): HarborProvisioningConfig | undefined {
  const harbor = readIntegrations(config).find(i => i.name === 'harbor');
  const api = config.getOptionalConfig('knot.integrations.harbor.api');
  if (!harbor || !api) return undefined;
  return {
    url: harbor.url,
    pullHost: new URL(harbor.url).host,
    publicProject: harbor.publicProject ?? 'library',
    api: {
      username: api.getString('username'),
      password: api.getString('password'),
    },
  };
}
