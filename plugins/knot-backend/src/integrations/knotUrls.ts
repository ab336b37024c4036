import type { KnotOptionalUrls } from '@knot-platform/plugin-knot-common';
import type { IntegrationSettings } from './config';

/**
 * The `knot.*` URLs the enabled integrations imply (seeds: "set if Argo
 * Workflows / Harbor is enabled"). Harbor's private registry and chart
 * repository are the profile's own project (`{profile}`), the public ones
 * its public project; charts are OCI artifacts in the same projects.
 */
export function integrationKnotUrls(
  integrations: IntegrationSettings[],
): KnotOptionalUrls {
  const urls: KnotOptionalUrls = {};
  for (const integration of integrations) {
    if (integration.name === 'argoWorkflows') {
      urls.argoWorkflowsUrl = integration.url;
    }
    if (integration.name === 'harbor') {
      const host = new URL(integration.url).host;
      const publicProject = integration.publicProject ?? 'library';
      urls.privateRegistryUrl = `${host}/{profile}`;
      urls.publicRegistryUrl = `${host}/${publicProject}`;
      urls.privateRepoUrl = `oci://${host}/{profile}`;
      urls.publicRepoUrl = `oci://${host}/${publicProject}`;
    }
  }
  return urls;
}
