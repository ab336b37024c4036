import { createApiRef } from '@backstage/frontend-plugin-api';
import type { KnotHealth } from '@internal/plugin-knot-common';

/** The Knot backend as the frontend sees it. */
export interface KnotApi {
  getHealth(): Promise<KnotHealth>;
}

export const knotApiRef = createApiRef<KnotApi>({ id: 'plugin.knot.api' });
