import type * as k8s from '@kubernetes/client-node';
import { KubernetesDatasetLister } from './KubernetesDatasetLister';

/** Cluster-wide Dataset lists of each API group, counted. */
function fakeApi(answers: Record<string, () => unknown>) {
  const calls: string[] = [];
  const api = {
    listClusterCustomObject: async ({ group }: any) => {
      calls.push(group);
      return answers[group]();
    },
    listNamespacedCustomObject: async ({ group, namespace }: any) => {
      calls.push(`${group}/${namespace}`);
      const all: any = await answers[group]();
      return {
        items: all.items.filter((i: any) => i.metadata.namespace === namespace),
      };
    },
  } as unknown as k8s.CustomObjectsApi;
  return { api, calls };
}

/** Datasets as "namespace/name". */
const items = (...refs: string[]) => ({
  items: refs.map(ref => {
    const [namespace, name] = ref.split('/');
    return { metadata: { namespace, name } };
  }),
});
const notFound = () => {
  throw Object.assign(new Error('not found'), { code: 404 });
};
const tick = () => new Promise(r => setImmediate(r));

describe('KubernetesDatasetLister', () => {
  it("answers a namespace's Datasets of both API groups, a missing CRD counting as none", async () => {
    const { api } = fakeApi({
      'com.ie.ibm.hpsys': () => items('knot-alice/a', 'knot-alice/b', 'x/c'),
      'datashim.io': notFound,
    });
    expect(
      await new KubernetesDatasetLister(api, 0).list('knot-alice'),
    ).toEqual(['a', 'b']);
    const both = fakeApi({
      'com.ie.ibm.hpsys': () => items('knot-alice/a'),
      'datashim.io': () => items('knot-alice/a', 'knot-alice/c'),
    });
    const lister = new KubernetesDatasetLister(both.api, 0);
    expect(await lister.list('knot-alice')).toEqual(['a', 'c']);
    expect(await lister.list('knot-bob')).toEqual([]);
  });

  it('leaves out Datasets Datashim failed to provision (their claim never comes), keeps pending ones', async () => {
    const provision = (name: string, status?: string) => ({
      metadata: { namespace: 'knot-alice', name },
      ...(status ? { status: { provision: { status } } } : {}),
    });
    const { api } = fakeApi({
      'datashim.io': () => ({
        items: [
          provision('ok', 'OK'),
          provision('new'),
          provision('pending', 'Pending'),
          provision('failed', 'Failed'),
          provision('disabled', 'Disabled'),
        ],
      }),
      'com.ie.ibm.hpsys': notFound,
    });
    expect(
      await new KubernetesDatasetLister(api, 0).list('knot-alice'),
    ).toEqual(['ok', 'new', 'pending']);
  });

  it('answers pods of many namespaces from one list per API group within the cache time', async () => {
    let now = 0;
    const { api, calls } = fakeApi({
      'com.ie.ibm.hpsys': () => items('knot-u7/data'),
      'datashim.io': notFound,
    });
    const lister = new KubernetesDatasetLister(api, 1000, () => now);
    // A pod storm: 100 profile namespaces at once.
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => lister.list(`knot-u${i}`)),
    );
    expect(answers[7]).toEqual(['data']);
    expect(answers[8]).toEqual([]);
    expect(calls.sort()).toEqual(['com.ie.ibm.hpsys', 'datashim.io']);
    now = 499;
    await lister.list('knot-u1');
    expect(calls).toHaveLength(2);
  });

  it('renews the list in the background from half the cache time, and waits for it past the cache time', async () => {
    let now = 0;
    let datasets = items('ns/a');
    const { api, calls } = fakeApi({
      'com.ie.ibm.hpsys': () => datasets,
      'datashim.io': notFound,
    });
    const lister = new KubernetesDatasetLister(api, 1000, () => now);
    await lister.list('ns');
    datasets = items('ns/a', 'ns/b');
    now = 600;
    // The current list answers at once; the new one replaces it when it comes.
    expect(await lister.list('ns')).toEqual(['a']);
    await tick();
    expect(calls).toHaveLength(4);
    expect(await lister.list('ns')).toEqual(['a', 'b']);
    // Past the cache time nothing older is answered.
    datasets = items('ns/c');
    now = 1600;
    expect(await lister.list('ns')).toEqual(['c']);
    expect(calls).toHaveLength(6);
  });

  it('falls back to the last list when the API fails, else fails', async () => {
    let fail = false;
    let now = 0;
    const { api } = fakeApi({
      'com.ie.ibm.hpsys': () => {
        if (fail) throw Object.assign(new Error('boom'), { code: 500 });
        return items('ns/a');
      },
      'datashim.io': notFound,
    });
    const lister = new KubernetesDatasetLister(api, 10, () => now);
    expect(await lister.list('ns')).toEqual(['a']);
    fail = true;
    now = 100;
    expect(await lister.list('ns')).toEqual(['a']);
    const fresh = new KubernetesDatasetLister(api, 10, () => now);
    await expect(fresh.list('ns')).rejects.toThrow('boom');
  });
});

describe('KubernetesDatasetLister.keepFresh', () => {
  afterEach(() => jest.useRealTimers());

  it('keeps the list fresh without pods, so the first pod after a quiet spell does not wait', async () => {
    jest.useFakeTimers();
    let datasets = items('ns/a');
    let hang = false;
    const { api, calls } = fakeApi({
      'com.ie.ibm.hpsys': () => (hang ? new Promise(() => {}) : datasets),
      'datashim.io': notFound,
    });
    const lister = new KubernetesDatasetLister(api, 1000);
    const stop = lister.keepFresh();
    await Promise.resolve();
    datasets = items('ns/a', 'ns/b');
    // An hour without a pod: renewed every half cache time all the same.
    for (let i = 0; i < 7200; i++) {
      jest.advanceTimersByTime(500);
      await Promise.resolve();
      await Promise.resolve();
    }
    expect(calls.length).toBeGreaterThan(7000);
    // The pod is answered from memory: an API server that never answers now
    // does not hold it up.
    hang = true;
    expect(await lister.list('ns')).toEqual(['a', 'b']);
    stop();
    const after = calls.length;
    jest.advanceTimersByTime(5000);
    expect(calls).toHaveLength(after);
  });
});
