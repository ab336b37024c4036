import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { KnotCatalogProfiles } from '@knot-platform/plugin-knot-common';
import type { ChartProfile } from './ChartSource';

/** The profiles per-profile chart locations are read for. */
export interface ChartProfiles {
  list(): Promise<ChartProfile[]>;
}

/**
 * The user store's active users and teams, asked from the Knot plugin over
 * HTTP (the catalog and scaffolder modules run in other plugins, each with
 * its own database), as the catalog's profile provider does.
 */
export class KnotApiChartProfiles implements ChartProfiles {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  async list(): Promise<ChartProfile[]> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'knot',
    });
    const response = await fetch(
      `${await this.discovery.getBaseUrl('knot')}/catalog/profiles`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = (await response.json()) as KnotCatalogProfiles;
    return [
      ...body.users.map(u => ({ name: u.username, team: false })),
      ...body.teams.map(t => ({ name: t.name, team: true })),
    ];
  }
}
