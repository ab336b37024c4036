import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { JsonValue } from '@backstage/types';
import knotPlugin from '@knot-platform/plugin-knot';
import { knotPermissions } from '@knot-platform/plugin-knot-common';
import { screen, waitFor } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { knotBackend } from './__testUtils__/knotBackend';
import { renderPortal } from './__testUtils__/renderPortal';

// The first render of a whole app is slow on a loaded machine.
jest.setTimeout(120_000);
const slow = { timeout: 60_000 };

const { server, sessions } = knotBackend();
registerMswTestHooks(server);

/** The portal's own extension config: where its redirects are. */
const extensions: JsonValue[] = parse(
  readFileSync(resolve(__dirname, '../../../app-config.yaml'), 'utf8'),
).app.extensions;

/** Opens `path` as a Knot admin, who has every page. */
function open(path: string) {
  renderPortal({
    features: [knotPlugin],
    path,
    extensions,
    granted: knotPermissions.map(p => p.name),
  });
}

describe('the portal’s old paths', () => {
  it.each([
    ['/', 'Knot'],
    ['/services', 'Services'],
    ['/files', 'Files'],
    ['/knot-account', 'Account'],
    ['/knot-admin', 'Admin'],
  ])('%s still opens the %s page', async (path, title) => {
    open(path);
    await waitFor(
      () =>
        expect(
          screen.getByRole('heading', { level: 1, name: title }),
        ).toBeInTheDocument(),
      slow,
    );
  });

  it('sends forward-auth sign-ins on to the new page, with the service to return to', async () => {
    const service = 'https://hello-alice.apps.test/path?x=1';
    open(`/services/sign-in?${new URLSearchParams({ rd: service })}`);
    await waitFor(() => expect(sessions).toEqual([service]), slow);
  });
});
