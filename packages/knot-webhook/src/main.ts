// Entry point of `yarn workspace @knot-platform/knot-webhook start`.
import { createWebhookApp } from './app';
import { loadConfig } from './config';
import { KubernetesDatasetLister } from './datasets/KubernetesDatasetLister';
import { KubernetesHostClaimsSource } from './hostClaims/KubernetesHostClaimsSource';
import { startWebhookServer } from './server/startWebhookServer';

/* eslint-disable no-console */
async function main() {
  const config = loadConfig();
  const { certFile, keyFile, host, port } = config.server;
  if (!certFile || !keyFile) {
    throw new Error(
      'set KNOT_WEBHOOK_CERT_FILE and KNOT_WEBHOOK_KEY_FILE (or server.certFile/keyFile): the API server only calls webhooks over HTTPS',
    );
  }
  const datasets = KubernetesDatasetLister.fromKubeconfig(
    config.kubeconfig,
    config.datasetCacheMs,
  );
  datasets.keepFresh();
  let stopping = false;
  const app = createWebhookApp({
    config,
    // Not ready once stopping, so the kubelet and ingress stop sending.
    ready: () => !stopping,
    datasets,
    hostClaims: KubernetesHostClaimsSource.fromKubeconfig(
      config.kubeconfig,
      config.namespacePrefix,
    ),
    logError: error => console.error('knot-webhook:', error),
  });
  const server = await startWebhookServer({
    app,
    certFile,
    keyFile,
    host,
    port,
    log: message => console.log(`knot-webhook: ${message}`),
  });
  console.log(`knot-webhook listening on https://${host}:${server.port}`);
  // Kubernetes removing the pod: finish every admission request, never
  // refuse one (failurePolicy Fail would refuse the user's pod).
  process.once('SIGTERM', () => {
    stopping = true;
    server
      .shutdown({ drainMs: config.server.shutdownDelayMs, graceMs: 10_000 })
      .then(() => process.exit(0));
  });
  // A developer's Ctrl-C: at once.
  process.once('SIGINT', () => {
    server.close().then(() => process.exit(0));
  });
}

main().catch(error => {
  console.error(`knot-webhook: ${error.message ?? error}`);
  process.exit(1);
});
