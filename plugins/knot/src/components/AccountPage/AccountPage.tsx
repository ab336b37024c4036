import { Content, InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { MyActivity } from '../AuditLog';
import { ChangePasswordForm } from './ChangePasswordForm';
import { ProfileSwitcher } from './ProfileSwitcher';

/** The signed-in user's Knot account: acting profile, password, activity. */
export function AccountPage() {
  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <InfoCard title="Profile">
            <ProfileSwitcher />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard title="Password">
            <ChangePasswordForm />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="My activity">
            <MyActivity />
          </InfoCard>
        </Grid>
      </Grid>
    </Content>
  );
}
