import {
  InfoCard,
  Link,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { errorMessage } from '../../api/errorMessage';
import { knotApiRef } from '../../api/KnotApi';
import { usePolled } from '../../hooks/usePolled';
import { RefreshFailed } from '../FirstLoad';
import { servicesRouteRef } from '../../routes';

/** The acting profile's services with their status and address. */
export function ProfileServices() {
  const knotApi = useApi(knotApiRef);
  const servicesLink = useRouteRef(servicesRouteRef);
  const profile = useAsync(() => knotApi.getActingProfile(), [knotApi]);
  const list = usePolled(() => knotApi.listServices(), [knotApi]);
  const title = profile.value
    ? `Services of ${profile.value.name}`
    : 'Your services';

  let body;
  if (list.loading && !list.value) {
    body = <Progress />;
  } else if (list.error && !list.value) {
    body = (
      <WarningPanel
        title="Could not list your services"
        message={errorMessage(list.error)}
      />
    );
  } else if ((list.value?.items ?? []).length === 0) {
    body = (
      <Typography>
        No services yet: <Link to="/create">create one</Link>.
      </Typography>
    );
  } else {
    body = (
      <List dense aria-label="Services">
        {list.value!.items.map(service => (
          <ListItem key={service.name}>
            <ListItemText
              primary={
                <Link to={service.url} target="_blank" rel="noopener">
                  {service.name}
                </Link>
              }
              secondary={`${service.chart} ${service.chartVersion} · ready ${service.ready}`}
            />
            <Chip size="small" label={service.state} />
          </ListItem>
        ))}
      </List>
    );
  }
  return (
    <InfoCard
      title={title}
      deepLink={
        servicesLink
          ? { title: 'All services', link: servicesLink() }
          : undefined
      }
    >
      <RefreshFailed state={list} what="the services" />
      {body}
    </InfoCard>
  );
}
