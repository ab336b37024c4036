import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  KnotHealth,
  KnotServiceList,
  KnotServiceValues,
} from '@internal/plugin-knot-common';

/** The Knot backend as the frontend sees it. */
export interface KnotApi {
  getHealth(): Promise<KnotHealth>;
  listServices(): Promise<KnotServiceList>;
  getServiceValues(name: string): Promise<KnotServiceValues>;
  deleteService(name: string): Promise<void>;
  /** Starts a session on the services' domain; answers where to go next. */
  startServiceSession(rd?: string): Promise<{ redirect?: string }>;
}

export const knotApiRef = createApiRef<KnotApi>({ id: 'plugin.knot.api' });
