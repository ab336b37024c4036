// The HTTPS server every bench server runs on: the same certificate, TLS
// and keep-alive settings, and the parent (run.mjs) told the port.
import fs from 'node:fs';
import https from 'node:https';

export function serve(handler) {
  const [certFile, keyFile] = process.argv.slice(2);
  const server = https.createServer(
    {
      cert: fs.readFileSync(certFile),
      key: fs.readFileSync(keyFile),
      noDelay: true,
    },
    handler,
  );
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () =>
    process.send?.({ port: server.address().port }),
  );
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}
