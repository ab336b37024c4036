import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { knotApiRef } from '../../api/KnotApi';

/** The enabled integrations; they change only with the configuration. */
export function useIntegrations() {
  const knotApi = useApi(knotApiRef);
  return useAsync(() => knotApi.listIntegrations(), [knotApi]);
}
