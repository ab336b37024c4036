import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import type {
  KnotService,
  KnotServiceShare,
} from '@knot-platform/plugin-knot-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { sharingApiRef, type SharingApi } from '../../api/SharingApi';
import { ShareServiceDialog } from './ShareServiceDialog';
import { SharedWithMe } from './SharedWithMe';

const hello = {
  name: 'hello',
  url: 'https://hello-alice.knot.test/',
} as KnotService;

// The first render of the app frame is slow on a shared machine.
jest.setTimeout(60_000);

function fakeSharing() {
  const shares: KnotServiceShare[] = [];
  const api: SharingApi = {
    listShares: jest.fn(async () => [...shares]),
    share: jest.fn(async (service, grantee, expiresAt) => {
      if (grantee === 'zed') {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: {
                name: 'InputError',
                message: "There is no active user or team named 'zed'",
              },
              response: { statusCode: 400 },
            }),
            {
              status: 400,
              headers: { 'Content-Type': 'application/json' },
            },
          ) as any,
        );
      }
      const share: KnotServiceShare = {
        service,
        grantee,
        granteeKind: grantee === 'lab' ? 'team' : 'user',
        createdBy: 'alice',
        createdAt: new Date().toISOString(),
        expiresAt,
      };
      shares.push(share);
      return share;
    }),
    revoke: jest.fn(async (_service, grantee) => {
      shares.splice(
        shares.findIndex(s => s.grantee === grantee),
        1,
      );
    }),
    listSharedWithMe: jest.fn(async () => [
      {
        owner: 'carol',
        service: 'nb',
        url: 'https://nb-carol.knot.test/',
        via: 'lab',
        sharedBy: 'carol',
      },
    ]),
  };
  return api;
}

describe('ShareServiceDialog', () => {
  it('shares with a user or team, with an optional expiry, and revokes', async () => {
    const api = fakeSharing();
    await renderInTestApp(
      <ShareServiceDialog service={hello} onClose={() => {}} />,
      { apis: [[sharingApiRef, api]] },
    );
    expect(await screen.findByText('Not shared with anyone.')).toBeVisible();
    fireEvent.change(screen.getByLabelText('User or team'), {
      target: { value: 'bob' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Share' }));
    expect(await screen.findByText('bob')).toBeVisible();
    expect(api.share).toHaveBeenCalledWith('hello', 'bob', undefined);

    fireEvent.change(screen.getByLabelText('User or team'), {
      target: { value: 'lab' },
    });
    fireEvent.change(screen.getByLabelText('Until'), {
      target: { value: '2999-01-01T12:00' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Share' }));
    expect(await screen.findByText('lab (team)')).toBeVisible();
    expect(api.share).toHaveBeenLastCalledWith(
      'hello',
      'lab',
      new Date('2999-01-01T12:00').toISOString(),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Revoke bob' }));
    await waitFor(() => expect(screen.queryByText('bob')).toBeNull());
    expect(api.revoke).toHaveBeenCalledWith('hello', 'bob');
  });

  it("shows the backend's refusal in its words", async () => {
    const api = fakeSharing();
    await renderInTestApp(
      <ShareServiceDialog service={hello} onClose={() => {}} />,
      { apis: [[sharingApiRef, api]] },
    );
    fireEvent.change(await screen.findByLabelText('User or team'), {
      target: { value: 'zed' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Share' }));
    expect(
      await screen.findByText(/There is no active user or team named 'zed'/),
    ).toBeInTheDocument();
  });
});

describe('SharedWithMe', () => {
  it('lists the services shared with me, with their addresses', async () => {
    await renderInTestApp(<SharedWithMe />, {
      apis: [[sharingApiRef, fakeSharing()]],
    });
    expect(await screen.findByText('Shared with me')).toBeVisible();
    expect(screen.getByText('nb')).toBeVisible();
    expect(
      screen.getByText('https://nb-carol.knot.test/').closest('a'),
    ).toHaveAttribute('href', 'https://nb-carol.knot.test/');
  });
});
