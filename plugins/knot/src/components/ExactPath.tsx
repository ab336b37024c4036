import type { ReactNode } from 'react';
import { NotFoundErrorPage } from '@backstage/frontend-plugin-api';
import { Route, Routes } from 'react-router-dom';

/**
 * A page shown at its own path only. Other pages live below Knot's pages
 * (`/knot/services`, `/knot/admin/provisioning`): a path below this one that
 * no page serves, such as a page the user may not see, is not found rather
 * than this page again.
 */
export function ExactPath(props: { children: ReactNode }) {
  return (
    <Routes>
      <Route path="/" element={props.children} />
      <Route path="*" element={<NotFoundErrorPage />} />
    </Routes>
  );
}
