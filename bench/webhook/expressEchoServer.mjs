// A second baseline: express + JSON body parsing + the same fixed answer,
// i.e. the framework cost alone, without any admission logic.
import fs from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';

const require = createRequire(
  new URL('../../plugins/knot-webhook/package.json', import.meta.url),
);
const express = require('express');
const [certFile, keyFile] = process.argv.slice(2);
const answer = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response: { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', allowed: true },
});
const app = express();
app.post('/mutate', express.json({ limit: '6mb' }), (_req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(answer),
  });
  res.end(answer);
});
const server = https.createServer(
  {
    cert: fs.readFileSync(certFile),
    key: fs.readFileSync(keyFile),
    noDelay: true,
  },
  app,
);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () =>
  process.send?.({ port: server.address().port }),
);
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
