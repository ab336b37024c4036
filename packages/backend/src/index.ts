/*
 * The Knot portal backend: Backstage's new backend system with the plugins
 * Knot builds on, plus Knot's own backend plugin.
 */

import { createBackend } from '@backstage/backend-defaults';
import {
  catalogModuleKnotProfiles,
  knotServicesCatalogModule,
  knotServicesScaffolderModule,
  permissionModuleKnotPolicy,
} from '@knot-platform/plugin-knot-backend';
import { authModuleKnotOidc } from './modules/knotOidcAuth';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Scaffolder: Knot's service templates are Software Templates.
backend.add(import('@backstage/plugin-scaffolder-backend'));

// Auth: sign-in through Knot's own OIDC provider (served by knot-backend).
// The guest provider stays for local development only (app-config.yaml).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(authModuleKnotOidc);
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// Catalog: users, teams (Groups), templates and deployed services.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(catalogModuleKnotProfiles);

// Permissions: Knot's policy allows everything but other profiles' private
// chart Templates (permissionModuleKnotPolicy).
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleKnotPolicy);

// Kubernetes tab for the services users deploy.
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Knot.
backend.add(import('@knot-platform/plugin-knot-backend'));
// Knot services: chart Templates and release Components in the catalog, the
// knot:helm:install scaffolder action.
backend.add(knotServicesCatalogModule);
backend.add(knotServicesScaffolderModule);

backend.start();
