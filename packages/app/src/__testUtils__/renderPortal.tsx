import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { createApp } from '@backstage/frontend-defaults';
import {
  ApiBlueprint,
  createFrontendModule,
  type FrontendFeature,
} from '@backstage/frontend-plugin-api';
import { mockApis } from '@backstage/frontend-test-utils';
import { RouterBlueprint } from '@backstage/plugin-app-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';

export const BACKEND_URL = 'http://backend.test';

/**
 * Renders the portal made of `features` at `path`, as a signed-in user whom
 * the permission framework grants `granted` (permission names, or a function
 * that answers each request) and nothing else. Unlike renderTestApp, it waits
 * for the app to ask for the permissions its extensions' `if` conditions
 * name, as the real app does after sign-in.
 */
export function renderPortal(options: {
  features: FrontendFeature[];
  path: string;
  granted?: string[] | ((permission: string) => boolean);
  /** Extension config (`app.extensions`), e.g. app-config.yaml's. */
  extensions?: JsonValue[];
}) {
  const { granted = [] } = options;
  const isGranted =
    typeof granted === 'function'
      ? granted
      : (permission: string) => granted.includes(permission);
  const testEnvironment = createFrontendModule({
    pluginId: 'app',
    extensions: [
      RouterBlueprint.make({
        params: {
          component: ({ children }) => (
            <MemoryRouter initialEntries={[options.path]}>
              {children}
            </MemoryRouter>
          ),
        },
      }),
      ApiBlueprint.make({
        name: 'permission',
        params: defineParams =>
          defineParams({
            api: permissionApiRef,
            deps: {},
            factory: () =>
              mockApis.permission({
                authorize: request =>
                  isGranted(request.permission.name)
                    ? AuthorizeResult.ALLOW
                    : AuthorizeResult.DENY,
              }),
          }),
      }),
    ],
  });
  const config = ConfigReader.fromConfigs([
    {
      context: 'test',
      data: {
        app: {
          baseUrl: 'http://portal.test',
          extensions: [
            ...(options.extensions ?? []),
            // Signed in already: no sign-in page.
            { 'sign-in-page:app': false },
          ],
        },
        backend: { baseUrl: BACKEND_URL },
      },
    },
  ]);
  const app = createApp({
    features: [...options.features, testEnvironment],
    advanced: { configLoader: async () => ({ config }) },
  });
  return render(app.createRoot());
}
