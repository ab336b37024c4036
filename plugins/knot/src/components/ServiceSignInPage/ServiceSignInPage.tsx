import { useEffect } from 'react';
import { Content, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { knotApiRef } from '../../api/KnotApi';
import { errorMessage } from '../../api/errorMessage';

/**
 * Where forward-auth sends anonymous browsers (`?rd=<service URL>`): the app's
 * sign-in has happened by the time this renders, so it asks the backend for a
 * session cookie on the services' domain and goes back to the service.
 */
export function ServiceSignInPage() {
  const knotApi = useApi(knotApiRef);
  const [query] = useSearchParams();
  const rd = query.get('rd') ?? undefined;
  const session = useAsync(() => knotApi.startServiceSession(rd), [rd]);
  useEffect(() => {
    if (session.value?.redirect) window.location.assign(session.value.redirect);
  }, [session.value]);
  if (session.error) {
    return (
      <Content>
        <WarningPanel
          title="Could not open the service"
          message={errorMessage(session.error)}
        />
      </Content>
    );
  }
  return <Progress />;
}
