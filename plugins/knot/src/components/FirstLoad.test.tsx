import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { firstLoadView } from './FirstLoad';

describe('firstLoadView', () => {
  it('shows why the list could not be loaded, in the words of the error', async () => {
    const view = firstLoadView(
      { loading: false, error: new Error('the cluster is unreachable') },
      'Could not list your services',
    );
    renderInTestApp(view!);
    expect(
      await screen.findByText(/Could not list your services/),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/the cluster is unreachable/),
    ).toBeInTheDocument();
  });

  it('shows progress while loading, and nothing once there is a list', async () => {
    const loading = firstLoadView({ loading: true }, 'x');
    renderInTestApp(loading!);
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    // A failed refresh keeps the list on screen.
    expect(
      firstLoadView({ loading: false, error: new Error('e'), value: [] }, 'x'),
    ).toBeUndefined();
  });
});
