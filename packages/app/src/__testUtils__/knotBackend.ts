import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { BACKEND_URL } from './renderPortal';

const knot = `${BACKEND_URL}/api/knot`;

/**
 * knot-backend as Knot's pages find it for a user with nothing yet: no
 * services, files, users, teams or profiles to provision. `sessions` holds
 * the `rd` of every forward-auth session the Services sign-in page started.
 */
export function knotBackend() {
  const sessions: Array<string | undefined> = [];
  const server = setupServer(
    http.get(`${knot}/health`, () =>
      HttpResponse.json({
        status: 'ok',
        version: '0.1.0',
        kubernetes: { reachable: false, error: 'not in unit tests' },
      }),
    ),
    http.get(`${knot}/me`, () =>
      HttpResponse.json({
        username: 'alice',
        admin: false,
        teams: [],
        profiles: ['alice'],
      }),
    ),
    http.get(`${knot}/profile`, () =>
      HttpResponse.json({
        name: 'alice',
        actor: 'alice',
        namespace: 'knot-alice',
      }),
    ),
    // One enabled integration: its sidebar entry and home tile.
    http.get(`${knot}/integrations`, () =>
      HttpResponse.json({
        items: [
          {
            name: 'grafana',
            title: 'Grafana',
            purpose: 'Metrics service',
            url: 'https://grafana.example',
          },
        ],
      }),
    ),
    http.get(`${knot}/users`, () => HttpResponse.json({ items: [] })),
    http.get(`${knot}/teams`, () => HttpResponse.json({ items: [] })),
    http.get(`${knot}/services`, () => HttpResponse.json({ items: [] })),
    http.get(`${knot}/files/:domain/list`, ({ params }) =>
      HttpResponse.json({
        domain: params.domain,
        path: '',
        entries: [],
        total: 0,
        offset: 0,
        limit: 100,
      }),
    ),
    http.get(`${knot}/provisioning/profiles`, () =>
      HttpResponse.json({ items: [] }),
    ),
    http.get(`${knot}/provisioning/folders`, () =>
      HttpResponse.json({ items: [] }),
    ),
    http.post(`${knot}/forward-auth/session`, async ({ request }) => {
      sessions.push(((await request.json()) as { rd?: string }).rd);
      return HttpResponse.json({});
    }),
  );
  return { server, sessions };
}
