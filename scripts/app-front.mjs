// The portal's address for the built frontend (scripts/start with
// KNOT_APP_BUNDLE=1): passes every request on to the backend, whose app
// plugin serves packages/app/dist with the frontend config injected, as the
// portal image does. It stands where the dev server would, with its
// certificate, so app.baseUrl, cookies and sign-in redirects are the same.
//
// With --ingress, requests for /v2/ go to the cluster's ingress instead
// (https, as <domain>, trusting --ca), whose route for /v2/ of <domain>
// asks the backend's push-auth and goes on to the registry: the portal's
// origin then has the registry route that the chart's
// ingress.registryRoute gives it in production (browser pushes of image
// layers). Either way a dumb pass-through: method, path and headers as
// sent (Host included, so the registry's Location names this origin).
//
//   node scripts/app-front.mjs <port> <backend port> [--cert <file> --key <file>]
//     [--ingress <host:port> --domain <domain> --ca <file>]
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { parseArgs } from 'node:util';

const {
  positionals: [port, backendPort],
  values: options,
} = parseArgs({
  allowPositionals: true,
  options: {
    cert: { type: 'string' },
    key: { type: 'string' },
    ingress: { type: 'string' },
    domain: { type: 'string' },
    ca: { type: 'string' },
  },
});

const backend = {
  name: 'the backend',
  request: http.request,
  target: {
    host: '127.0.0.1',
    port: Number(backendPort),
    agent: new http.Agent({ keepAlive: true }),
  },
};

let ingress;
if (options.ingress) {
  if (!options.domain || !options.ca) {
    throw new Error('--ingress needs --domain and --ca');
  }
  const at = options.ingress.lastIndexOf(':');
  ingress = {
    name: 'the ingress',
    request: https.request,
    target: {
      host: options.ingress.slice(0, at),
      port: Number(options.ingress.slice(at + 1)),
      servername: options.domain,
      agent: new https.Agent({
        keepAlive: true,
        ca: fs.readFileSync(options.ca),
      }),
    },
  };
}

function pass(req, res) {
  const upstream = ingress && req.url.startsWith('/v2/') ? ingress : backend;
  const forwarded = upstream.request(
    {
      ...upstream.target,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forwarded.on('error', error => {
    // The backend is still starting (or gone): the wait loops retry.
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`${upstream.name} does not answer: ${error.message}\n`);
  });
  // The browser went away (a cancelled upload): so does the request on.
  res.on('close', () => {
    if (!res.writableFinished) forwarded.destroy();
  });
  req.pipe(forwarded);
}

const server = options.cert
  ? https.createServer(
      {
        cert: fs.readFileSync(options.cert),
        key: fs.readFileSync(options.key),
      },
      pass,
    )
  : http.createServer(pass);
server.listen(Number(port), () =>
  console.log(
    `frontend bundle at ${
      options.cert ? 'https' : 'http'
    }://localhost:${port} (backend :${backendPort}${
      ingress ? `, /v2/ to ${options.domain} at ${options.ingress}` : ''
    })`,
  ),
);
