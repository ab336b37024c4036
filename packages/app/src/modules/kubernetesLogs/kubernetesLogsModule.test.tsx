import {
  createFrontendModule,
  PageBlueprint,
  useApi,
} from '@backstage/frontend-plugin-api';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import { kubernetesProxyApiRef } from '@backstage/plugin-kubernetes';
import knotPlugin from '@knot-platform/plugin-knot';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { useEffect, useState } from 'react';
import { knotBackend } from '../../__testUtils__/knotBackend';
import { BACKEND_URL, renderPortal } from '../../__testUtils__/renderPortal';
import { kubernetesLogsModule } from '.';

jest.setTimeout(120_000);

const { server } = knotBackend();
registerMswTestHooks(server);

/** A page that asks for a pod's log as the Kubernetes tab's PodLogs does. */
function PodLogProbe() {
  const proxy = useApi(kubernetesProxyApiRef);
  const [text, setText] = useState('');
  useEffect(() => {
    proxy
      .getPodLogs({
        podName: 'web-1',
        namespace: 'knot-alice',
        clusterName: 'local',
        containerName: 'server',
      })
      .then(
        r => setText(`log: ${r.text}`),
        e => setText(`refused: ${e.message}`),
      );
  }, [proxy]);
  return <div>{text}</div>;
}

const probe = createFrontendModule({
  pluginId: 'app',
  extensions: [
    PageBlueprint.make({
      name: 'pod-log-probe',
      params: { path: '/probe', loader: async () => <PodLogProbe /> },
    }),
  ],
});

describe('kubernetesLogsModule in the app', () => {
  it("makes the Kubernetes tab read a profile's pod log through Knot's logs route", async () => {
    const knot = `${BACKEND_URL}/api/knot`;
    const asked: string[] = [];
    server.use(
      http.get(`${knot}/services`, ({ request }) => {
        asked.push(`services as ${request.headers.get('x-knot-profile')}`);
        return HttpResponse.json({ items: [{ name: 'web' }] });
      }),
      http.get(`${knot}/services/web/pods`, () =>
        HttpResponse.json({ items: [{ name: 'web-1', containers: [] }] }),
      ),
      http.get(`${knot}/services/web/logs`, ({ request }) => {
        asked.push(new URL(request.url).search);
        return new HttpResponse('hello from web-1\n');
      }),
      http.all(`${BACKEND_URL}/api/kubernetes/*`, ({ request }) => {
        asked.push(`kubernetes ${new URL(request.url).pathname}`);
        return HttpResponse.json({ error: 'admins only' }, { status: 403 });
      }),
    );
    renderPortal({
      features: [kubernetesPlugin, kubernetesLogsModule, knotPlugin, probe],
      path: '/probe',
    });
    expect(
      await screen.findByText(/log: hello from web-1/, {}, { timeout: 60_000 }),
    ).toBeInTheDocument();
    expect(asked).toEqual([
      'services as alice',
      '?pod=web-1&container=server&previous=false&tailLines=10000',
    ]);
  });
});
