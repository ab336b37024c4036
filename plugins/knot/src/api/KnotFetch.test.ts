import { ResponseError } from '@backstage/errors';
import { PROFILE_HEADER } from '@knot-platform/plugin-knot-common';
import { KnotFetch } from './KnotFetch';
import { writeSelectedProfile } from './selectedProfile';

/** A KnotFetch over a fetch that records its calls and gives `answer`. */
function knotFetchAnswering(answer: () => Response) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const knotFetch = new KnotFetch({
    fetchApi: {
      fetch: async (url: any, init: any) => {
        calls.push({ url, init });
        return answer();
      },
    },
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/knot' },
    identityApi: {} as any,
  });
  return { knotFetch, calls };
}

describe('KnotFetch', () => {
  afterEach(() => writeSelectedProfile(undefined));

  it('calls knot-backend as the selected profile, with a JSON body', async () => {
    const { knotFetch, calls } = knotFetchAnswering(
      () => new Response(JSON.stringify({ name: 'vision' }), { status: 201 }),
    );
    writeSelectedProfile('vision');

    const answer = await knotFetch.json('/teams', {
      method: 'POST',
      json: { name: 'vision' },
    });

    expect(answer).toEqual({ name: 'vision' });
    expect(calls).toEqual([
      {
        url: 'plugin://knot/teams',
        init: {
          method: 'POST',
          headers: {
            [PROFILE_HEADER]: 'vision',
            'content-type': 'application/json',
          },
          body: JSON.stringify({ name: 'vision' }),
          credentials: 'include',
        },
      },
    ]);
  });

  it('sends no profile header for the signed-in user, and GET by default', async () => {
    const { knotFetch, calls } = knotFetchAnswering(
      () => new Response(null, { status: 204 }),
    );

    expect(await knotFetch.json('/me/password')).toBeUndefined();
    expect(calls[0].init).toMatchObject({ method: 'GET', headers: {} });
  });

  it('throws a refusal as a ResponseError with the backend’s words', async () => {
    const { knotFetch } = knotFetchAnswering(
      () =>
        new Response(
          JSON.stringify({
            error: { name: 'NotAllowedError', message: 'Admins only' },
            response: { statusCode: 403 },
          }),
          { status: 403, headers: { 'content-type': 'application/json' } },
        ),
    );

    const refusal = await knotFetch.fetch('/users').catch(e => e);

    expect(refusal).toBeInstanceOf(ResponseError);
    expect(refusal.statusCode).toBe(403);
    expect(refusal.body.error.message).toBe('Admins only');
  });
});
