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

    // Each switch is told to the backend, as the new profile.
    const switches = calls.filter(
      c => c.url === 'plugin://knot/profile/switch',
    );
    expect(
      switches.map(c => [
        (c.init?.headers as Record<string, string>)[PROFILE_HEADER],
        c.init?.body,
      ]),
    ).toEqual([
      ['vision', JSON.stringify({ previous: null })],
      [undefined, JSON.stringify({ previous: 'vision' })],
    ]);
    const other = calls.filter(c => !switches.includes(c));
    const headers = other.map(
      c => (c.init?.headers as Record<string, string>)[PROFILE_HEADER],
    );
    expect(headers).toEqual([undefined, 'vision', 'vision', undefined]);
    expect(other[2]).toMatchObject({
      url: 'plugin://knot/teams',
      init: { method: 'POST', body: JSON.stringify({ name: 'new-team' }) },
    });
  });

  it('hands each chunk of a streamed log to onText as it arrives', async () => {
    const calls: Array<{ url: string; init?: RequestInit }> = [];
    const encoder = new TextEncoder();
    let push: ((text: string) => void) | undefined;
    let end: (() => void) | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = text => controller.enqueue(encoder.encode(text));
        end = () => controller.close();
      },
    });
    const client = new KnotClient({
      fetchApi: {
        fetch: async (url: string, init?: RequestInit) => {
          calls.push({ url, init });
          return new Response(body, { status: 200 });
        },
      } as any,
      discoveryApi: {} as any,
      identityApi: {} as any,
      storage: memoryStorage(),
    });
    const texts: string[] = [];
    const signal = new AbortController().signal;
    const done = client.readServiceLogs(
      'web',
      { pod: 'web-1', container: 'server', follow: true },
      t => texts.push(t),
      signal,
    );
    push!('one\n');
    await new Promise(r => setTimeout(r, 10));
    // The first line is there while the log is still open.
    expect(texts).toEqual(['one\n']);
    push!('two\n');
    end!();
    await done;
    expect(texts).toEqual(['one\n', 'two\n']);
    expect(calls[0].url).toBe(
      'plugin://knot/services/web/logs?pod=web-1&container=server&previous=false&follow=true',
    );
    expect(calls[0].init?.signal).toBe(signal);
  });

  it("reads a Kubernetes tab pod's log as the namespace's profile", async () => {
    const calls: Array<{ url: string; profile?: string }> = [];
    const answers: Record<string, unknown> = {
      'plugin://knot/services': { items: [{ name: 'a' }, { name: 'b' }] },
      'plugin://knot/services/a/pods': { items: [{ name: 'a-1' }] },
      'plugin://knot/services/b/pods': { items: [{ name: 'b-1' }] },
    };
    const client = new KnotClient({
      fetchApi: {
        fetch: async (url: string, init?: RequestInit) => {
          calls.push({
            url,
            profile: (init?.headers as Record<string, string>)[PROFILE_HEADER],
          });
          return url.includes('/logs?')
            ? new Response('line\n', { status: 200 })
            : new Response(JSON.stringify(answers[url]), { status: 200 });
        },
      } as any,
      discoveryApi: {} as any,
      identityApi: {} as any,
      storage: memoryStorage(),
    });
    client.selectProfile('someone-else');
    calls.length = 0;
    expect(
      await client.readPodLog({
        namespace: 'knot-alice',
        pod: 'b-1',
        container: 'server',
        previous: true,
      }),
    ).toBe('line\n');
    expect(calls).toEqual([
      { url: 'plugin://knot/services', profile: 'alice' },
      { url: 'plugin://knot/services/a/pods', profile: 'alice' },
      { url: 'plugin://knot/services/b/pods', profile: 'alice' },
      {
        url: 'plugin://knot/services/b/logs?pod=b-1&container=server&previous=true&tailLines=10000',
        profile: 'alice',
      },
    ]);
    // Not a profile's namespace: not Knot's to answer.
    calls.length = 0;
    expect(
      await client.readPodLog({
        namespace: 'kube-system',
        pod: 'x',
        container: 'y',
      }),
    ).toBeUndefined();
    expect(calls).toEqual([]);
    await expect(
      client.readPodLog({ namespace: 'knot-alice', pod: 'z', container: 'y' }),
    ).rejects.toThrow('Pod z belongs to no service of alice that you may see');
  });
});
