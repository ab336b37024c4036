// The webhook as deployed (express app + HTTPS server), with Dataset names
// served from memory: the same path as a warm per-namespace cache.
import {
  StaticDatasetLister,
  createWebhookApp,
  resolveConfig,
  startWebhookServer,
} from '../../packages/knot-webhook/src';

const [certFile, keyFile] = process.argv.slice(2);

startWebhookServer({
  app: createWebhookApp({
    config: resolveConfig({
      ingress: { domain: 'example.org' },
      hostPathAllowlist: ['/data'],
    }),
    datasets: new StaticDatasetLister({ 'knot-alice': ['mnist', 'imagenet'] }),
  }),
  certFile,
  keyFile,
  host: '127.0.0.1',
  port: 0,
}).then(server => process.send?.({ port: server.port }));
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
