/**
 * Knot's test kit, used by the tests of every Knot package: the test backend
 * (`startKnotTestBackend`), test databases, the local cluster, helm, a chart
 * registry, nginx as an ingress, an OIDC client, seeded users and a mock
 * profile access.
 *
 * @packageDocumentation
 */

export {
  startAuthenticatedRegistry,
  type AuthenticatedRegistry,
  type RegistryRequest,
} from './authenticatedRegistry';
export { mockAuthWithActors } from './authWithActors';
export {
  startRegistryUploadFront,
  type RegistryUploadFront,
} from './registryUploadFront';
export {
  knotTestConfig,
  mergeConfig,
  startKnotTestBackend,
  type KnotTestBackendOptions,
} from './backend';
export {
  BUNDLED_CHARTS_DIR,
  FORM_CORPUS_DIR,
  testChartInfo,
  writeChart,
  type TestChart,
} from './charts';
export { describeWithCluster, testKubeconfig } from './cluster';
export { eventually } from './eventually';
export { changedFormValues } from './formValues';
export { createTestDatabases } from './databases';
export {
  buildTestImage,
  writeDockerSaveArchive,
  writeOciLayoutArchive,
  type TestImage,
  type TestImageLayer,
} from './imageArchives';
export { helmReleases, helmValues, runHelm, uninstallReleases } from './helm';
export { loadClientNode, testIngress, testKubeClient } from './kubernetes';
export {
  freePort,
  startForwardAuthNginx,
  startRegistryPushNginx,
} from './nginx';
export { nodeRegistryTransport } from './registryTransport';
export { formAction, loadOpenidClient, TestBrowser } from './oidcClient';
export {
  mockProfileAccess,
  type MockProfileAccessOptions,
} from './profileAccess';
export {
  createProfileNamespace,
  removeProvisionedProfiles,
  testUsername,
} from './profiles';
export { pushChart, startRegistry, startTokenAuthFront } from './registry';
export { recordExpressApps, routeTable, type RouteEntry } from './routeTable';
export {
  createTestBucket,
  describeWithClusterAndS3,
  testS3Server,
  type TestS3Server,
} from './s3';
export { seededRandom } from './seededRandom';
export { serviceProbe } from './serviceProbe';
export { installService, servicesTestConfigData } from './services';
export { seedKnotUsers, type KnotUsersSeed } from './users';
