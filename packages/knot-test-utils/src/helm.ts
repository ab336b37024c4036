import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testKubeconfig } from './cluster';

/** Runs the real helm against the test cluster; answers its output. */
export async function runHelm(args: string[]): Promise<string> {
  const env = { ...process.env };
  const kubeconfig = testKubeconfig();
  if (kubeconfig) env.KUBECONFIG = kubeconfig;
  const { stdout } = await promisify(execFile)('helm', args, {
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** The helm releases of a namespace, as `helm list -o json` prints them. */
export async function helmReleases(
  namespace: string,
): Promise<Array<{ name: string; chart: string; status: string }>> {
  return JSON.parse(
    (await runHelm(['list', '-n', namespace, '--all', '-o', 'json'])) || '[]',
  );
}

/** A release's user-supplied values (`helm get values`). */
export async function helmValues(
  release: string,
  namespace: string,
): Promise<Record<string, any>> {
  const args = ['get', 'values', release, '-n', namespace, '-o', 'json'];
  return JSON.parse((await runHelm(args)) || '{}');
}

/** Uninstalls every release of a namespace (a suite's clean-up). */
export async function uninstallReleases(namespace: string): Promise<void> {
  for (const release of await helmReleases(namespace).catch(() => [])) {
    await runHelm(['uninstall', release.name, '-n', namespace]).catch(() => {});
  }
}
