// Entry point of `yarn workspace @internal/plugin-knot-webhook start`.
import { createWebhookApp } from './app';

const port = Number(process.env.KNOT_WEBHOOK_PORT ?? 8443);
const host = process.env.KNOT_WEBHOOK_HOST ?? '127.0.0.1';

createWebhookApp().listen(port, host, () => {
  // eslint-disable-next-line no-console
  console.log(`knot-webhook listening on http://${host}:${port}`);
});
