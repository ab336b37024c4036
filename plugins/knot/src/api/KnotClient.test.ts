import { PROFILE_HEADER } from '@knot-platform/plugin-knot-common';
import { KnotClient } from './KnotClient';

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: key => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: key => void data.delete(key),
    clear: () => data.clear(),
    key: index => [...data.keys()][index] ?? null,
    get length() {
      return data.size;
    },
  };
}

describe('KnotClient', () => {
  it('sends the selected profile with every call', async () => {
    const calls: Array<{ url: string; init?: RequestInit }> = [];
    const fetchApi = {
      fetch: async (url: string, init?: RequestInit) => {
        calls.push({ url, init });
        return new Response(JSON.stringify({ items: [] }), { status: 200 });
      },
    };
    const client = new KnotClient({
      fetchApi: fetchApi as any,
      discoveryApi: { getBaseUrl: async () => 'http://backend/api/knot' },
      identityApi: {} as any,
      storage: memoryStorage(),
    });

    await client.listTeams();
    client.selectProfile('vision');
    await client.listUsers();
    await client.createTeam('new-team');
    client.selectProfile(undefined);
    await client.listTeams();

    const headers = calls.map(
      c => (c.init?.headers as Record<string, string>)[PROFILE_HEADER],
    );
    expect(headers).toEqual([undefined, 'vision', 'vision', undefined]);
    expect(calls[2]).toMatchObject({
      url: 'plugin://knot/teams',
      init: { method: 'POST', body: JSON.stringify({ name: 'new-team' }) },
    });
  });
});
