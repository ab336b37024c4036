import { FilesClient } from './FilesClient';
import { PROFILE_HEADER } from '@knot-platform/plugin-knot-common';
import { writeSelectedProfile } from './selectedProfile';

describe('FilesClient', () => {
  afterEach(() => writeSelectedProfile(undefined));

  it('acts as the selected profile, like every Knot call', async () => {
    const headers: Array<Record<string, string>> = [];
    const fetchApi = {
      fetch: async (_url: string, init?: RequestInit) => {
        headers.push(init?.headers as Record<string, string>);
        return new Response(
          JSON.stringify({ path: '', entries: [], total: 0 }),
          { status: 200 },
        );
      },
    };
    const client = new FilesClient({
      fetchApi: fetchApi as any,
      discoveryApi: { getBaseUrl: async () => 'http://backend/api/knot' },
      identityApi: {} as any,
    });

    await client.list('private', '');
    writeSelectedProfile('vision');
    await client.list('private', '');

    expect(headers[0][PROFILE_HEADER]).toBeUndefined();
    expect(headers[1][PROFILE_HEADER]).toBe('vision');
  });
});
