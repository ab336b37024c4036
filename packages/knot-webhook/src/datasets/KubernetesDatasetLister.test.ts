import type * as k8s from '@kubernetes/client-node';
import { KubernetesDatasetLister } from './KubernetesDatasetLister';

function fakeApi(answers: Record<string, () => unknown>) {
  const calls: string[] = [];
  const api = {
    listNamespacedCustomObject: async ({ group, namespace }: any) => {
      calls.push(`${group}/${namespace}`);
      return answers[group]();
    },
  } as unknown as k8s.CustomObjectsApi;
  return { api, calls };
}

const items = (...names: string[]) => ({
  items: names.map(name => ({ metadata: { name } })),
});
const notFound = () => {
  throw Object.assign(new Error('not found'), { code: 404 });
};

describe('KubernetesDatasetLister', () => {
  it('lists both API groups, a missing CRD counting as none', async () => {
    const { api } = fakeApi({
      'com.ie.ibm.hpsys': () => items('a', 'b'),
      'datashim.io': notFound,
    });
    expect(
      await new KubernetesDatasetLister(api, 0).list('knot-alice'),
    ).toEqual(['a', 'b']);
    const both = fakeApi({
      'com.ie.ibm.hpsys': () => items('a'),
      'datashim.io': () => items('a', 'c'),
    });
    expect(
      await new KubernetesDatasetLister(both.api, 0).list('knot-alice'),
    ).toEqual(['a', 'c']);
  });

  it('reuses an answer for the cache time', async () => {
    let now = 0;
    const { api, calls } = fakeApi({
      'com.ie.ibm.hpsys': () => items('a'),
      'datashim.io': notFound,
    });
    const lister = new KubernetesDatasetLister(api, 1000, () => now);
    await Promise.all([lister.list('ns'), lister.list('ns')]);
    now = 999;
    await lister.list('ns');
    expect(calls).toHaveLength(2);
    now = 1000;
    await lister.list('ns');
    expect(calls).toHaveLength(4);
  });

  it('falls back to the last answer when the API fails, else fails', async () => {
    let fail = false;
    let now = 0;
    const { api } = fakeApi({
      'com.ie.ibm.hpsys': () => {
        if (fail) throw Object.assign(new Error('boom'), { code: 500 });
        return items('a');
      },
      'datashim.io': notFound,
    });
    const lister = new KubernetesDatasetLister(api, 10, () => now);
    expect(await lister.list('ns')).toEqual(['a']);
    fail = true;
    now = 100;
    expect(await lister.list('ns')).toEqual(['a']);
    await expect(lister.list('other')).rejects.toThrow('boom');
  });
});
