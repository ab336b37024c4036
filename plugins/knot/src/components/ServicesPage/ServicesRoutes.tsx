import { Route, Routes } from 'react-router-dom';
import { ServiceSignInPage } from '../ServiceSignInPage';
import { ServicesPage } from './ServicesPage';
import { SharedWithMe } from './SharedWithMe';

/** `/knot/services` and `/knot/services/sign-in` (forward-auth's sign-in target). */
export function ServicesRoutes() {
  return (
    <Routes>
      <Route
        path="/"
        element={
          <>
            <ServicesPage />
            <SharedWithMe />
          </>
        }
      />
      <Route path="/sign-in" element={<ServiceSignInPage />} />
    </Routes>
  );
}
