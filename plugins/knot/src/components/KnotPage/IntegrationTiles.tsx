import { InfoCard, Link } from '@backstage/core-components';
import type { KnotIntegration } from '@knot-platform/plugin-knot-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import { integrationIcons } from '../integrations/integrationIcons';

/** One tile per enabled integration; each opens it in a new tab. */
export function IntegrationTiles(props: { integrations: KnotIntegration[] }) {
  if (props.integrations.length === 0) return null;
  return (
    <Grid container spacing={2} component="ul" aria-label="Integrations">
      {props.integrations.map(integration => {
        const Icon = integrationIcons[integration.name];
        return (
          <Grid
            item
            xs={12}
            sm={6}
            md={3}
            key={integration.name}
            component="li"
          >
            <InfoCard>
              <Typography variant="h6" component="h3">
                <Icon fontSize="inherit" /> {integration.title}
              </Typography>
              <Typography paragraph color="textSecondary">
                {integration.purpose}
              </Typography>
              <Link
                to={integration.url}
                target="_blank"
                rel="noopener noreferrer"
                aria-label={`Open ${integration.title}`}
              >
                Open <OpenInNewIcon fontSize="inherit" />
              </Link>
            </InfoCard>
          </Grid>
        );
      })}
    </Grid>
  );
}
