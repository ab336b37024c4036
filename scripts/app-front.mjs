// The portal's address for the built frontend (scripts/start with
// KNOT_APP_BUNDLE=1): passes every request on to the backend, whose app
// plugin serves packages/app/dist with the frontend config injected, as the
// portal image does. It stands where the dev server would, with its
// certificate, so app.baseUrl, cookies and sign-in redirects are the same.
//
//   node scripts/app-front.mjs <port> <backend port> [<cert file> <key file>]
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const [port, backendPort, cert, key] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true });

function pass(req, res) {
  const upstream = http.request(
    {
      host: '127.0.0.1',
      port: Number(backendPort),
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent,
    },
    answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', error => {
    // The backend is still starting (or gone): the wait loops retry.
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`the backend does not answer: ${error.message}\n`);
  });
  req.pipe(upstream);
}

const server = cert
  ? https.createServer(
      { cert: fs.readFileSync(cert), key: fs.readFileSync(key) },
      pass,
    )
  : http.createServer(pass);
server.listen(Number(port), () =>
  console.log(
    `frontend bundle at ${
      cert ? 'https' : 'http'
    }://localhost:${port} (backend :${backendPort})`,
  ),
);
