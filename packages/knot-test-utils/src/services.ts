import { mockCredentials } from '@backstage/backend-test-utils';
import {
  PROFILE_HEADER,
  type KnotServiceInstallEvent,
  type KnotServiceInstallRequest,
  type KnotServiceInstallResult,
} from '@knot-platform/plugin-knot-common';
import { BUNDLED_CHARTS_DIR } from './charts';
import { testKubeconfig } from './cluster';

/**
 * Config of the services suites on the real cluster: the test kubeconfig,
 * services under `<name>-<user>.knot.test`, the bundled charts.
 */
export function servicesTestConfigData() {
  return {
    app: { baseUrl: 'http://portal.test' },
    knot: {
      kubernetes: { kubeconfig: testKubeconfig()! },
      ingress: { domain: 'knot.test' },
      services: { chartsDir: BUNDLED_CHARTS_DIR },
    },
  };
}

/**
 * Deploys a chart through the knot plugin's install route as `user` (acting
 * as `profile` when given), as the portal does; answers the result, or
 * throws the route's refusal with its message.
 */
export async function installService(
  server: { port(): number },
  user: string,
  request: KnotServiceInstallRequest,
  profile?: string,
): Promise<KnotServiceInstallResult> {
  const response = await fetch(
    `http://localhost:${server.port()}/api/knot/services`,
    {
      method: 'POST',
      headers: {
        Authorization: mockCredentials.user.header(`user:default/${user}`),
        'Content-Type': 'application/json',
        ...(profile ? { [PROFILE_HEADER]: profile } : {}),
      },
      body: JSON.stringify(request),
    },
  );
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}: ${text}`);
  }
  const events = text
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as KnotServiceInstallEvent);
  const last = events[events.length - 1];
  if (last?.type === 'result') return last.result;
  throw new Error(
    last?.type === 'error' ? last.error.message : `No result in: ${text}`,
  );
}
