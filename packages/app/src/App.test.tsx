import { render, screen } from '@testing-library/react';
import App from './App';

// Loading the whole app is slow on a loaded machine.
jest.setTimeout(120_000);

describe('App', () => {
  it('renders the sign-in page with the app title', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Knot test' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };

    render(App.createRoot());

    // Without a session the app asks the user to sign in (guest in dev).
    expect(
      await screen.findByText('Knot test', undefined, { timeout: 60_000 }),
    ).toBeInTheDocument();
  });
});
