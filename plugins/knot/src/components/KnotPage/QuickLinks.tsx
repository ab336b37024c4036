import { InfoCard, Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import AddIcon from '@material-ui/icons/Add';
import DatasetIcon from '@material-ui/icons/Dns';
import FolderIcon from '@material-ui/icons/Folder';
import { datasetsRouteRef, filesRouteRef } from '../../routes';

/** Where most visits go next: a new service, the files, the datasets. */
export function QuickLinks() {
  const files = useRouteRef(filesRouteRef);
  const datasets = useRouteRef(datasetsRouteRef);
  const links = [
    // The scaffolder's page, where Knot's chart Templates are.
    { title: 'Create a service', to: '/create', icon: <AddIcon /> },
    ...(files ? [{ title: 'Files', to: files(), icon: <FolderIcon /> }] : []),
    ...(datasets
      ? [{ title: 'Datasets', to: datasets(), icon: <DatasetIcon /> }]
      : []),
  ];
  return (
    <InfoCard title="Quick links">
      <List dense aria-label="Quick links">
        {links.map(link => (
          <ListItem key={link.title}>
            <ListItemIcon>{link.icon}</ListItemIcon>
            <ListItemText primary={<Link to={link.to}>{link.title}</Link>} />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}
