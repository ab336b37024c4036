// The baseline: a trivial HTTPS server that reads the request and answers a
// fixed "allowed" AdmissionReview, with the same certificate as the webhook.
import fs from 'node:fs';
import https from 'node:https';

const [certFile, keyFile] = process.argv.slice(2);
const answer = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response: { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', allowed: true },
});
const server = https.createServer(
  {
    cert: fs.readFileSync(certFile),
    key: fs.readFileSync(keyFile),
    noDelay: true,
  },
  (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(answer),
      });
      res.end(answer);
    });
  },
);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () =>
  process.send?.({ port: server.address().port }),
);
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
