/*
 * The Knot portal backend: Backstage's new backend system with the plugins
 * Knot builds on and Knot's packages, added exactly as an adopter adds them
 * to its own backend.
 */

// First: metrics recorded by any plugin need the provider it sets.
import './instrumentation';
import { createBackend } from '@backstage/backend-defaults';
import { startOneAtATime, startupLockConnection } from './startOneAtATime';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Scaffolder: Knot's service templates are Software Templates.
backend.add(import('@backstage/plugin-scaffolder-backend'));

// Auth. The guest provider stays for local development only (app-config.yaml).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// Catalog: users, teams (Groups), templates and deployed services.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-permission-backend'));

// Kubernetes tab for the services users deploy.
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Knot: the knot plugin and its chart repositories (HTTP, OCI, per profile).
backend.add(import('@knot-platform/plugin-knot-backend'));
backend.add(
  import('@knot-platform/plugin-knot-backend-module-chart-repositories'),
);
// Sign-in to Backstage through Knot's OIDC provider.
backend.add(import('@knot-platform/plugin-auth-backend-module-knot-provider'));
// Users and Groups, chart Templates and release Components in the catalog.
backend.add(import('@knot-platform/plugin-catalog-backend-module-knot'));
// The knot:helm:install action.
backend.add(import('@knot-platform/plugin-scaffolder-backend-module-knot'));
// Knot's permission policy (admin rights, private chart Templates), with
// allow for everything else.
backend.add(import('@knot-platform/plugin-permission-backend-module-knot'));

// Replicas on one PostgreSQL start one at a time (their migrations would
// race). A plugin that failed to start leaves a process that is never
// ready: exit, so that it is restarted, rather than wait for ever.
startOneAtATime(
  () => backend.start(),
  startupLockConnection(process.env),
  // eslint-disable-next-line no-console
  message => console.log(message),
).catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
