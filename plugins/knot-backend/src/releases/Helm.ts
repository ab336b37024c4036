import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ReleaseRecords } from './ReleaseRecords';

/** One release as `helm list -o json` prints it. */
export interface HelmRelease {
  name: string;
  namespace: string;
  revision: string;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
}

/** A chart deployed (or rendered) as a release, with all its values. */
export interface HelmChartOptions {
  release: string;
  namespace: string;
  chart: string;
  repo?: string;
  version?: string;
  values: unknown;
}

/** The arguments after helm's command that name the release and chart. */
function chartArgs(options: HelmChartOptions, valuesFile: string): string[] {
  const args = [
    options.release,
    options.chart,
    '-n',
    options.namespace,
    '-f',
    valuesFile,
  ];
  if (options.repo) args.push('--repo', options.repo);
  if (options.version && (options.repo || options.chart.startsWith('oci://'))) {
    args.push('--version', options.version);
  }
  return args;
}

export class HelmError extends Error {
  constructor(message: string, readonly stderr: string) {
    super(message);
    this.name = 'HelmError';
  }
}

/** Runs the real `helm` binary against Knot's cluster. */
export class Helm {
  constructor(
    private readonly binary: string,
    private readonly kubeconfig?: string,
    private readonly kubeContext?: string,
    /**
     * Where `list` reads releases without a selector: the release Secrets
     * through the API server, instead of a helm process per call.
     */
    private readonly records?: Pick<ReleaseRecords, 'list'>,
  ) {}

  /** Runs helm; each output line goes to `onLine` as it arrives. */
  run(
    args: string[],
    onLine?: (line: string) => void,
  ): Promise<{ stdout: string; stderr: string }> {
    const env = { ...process.env };
    if (this.kubeconfig) env.KUBECONFIG = this.kubeconfig;
    const fullArgs = this.kubeContext
      ? [...args, '--kube-context', this.kubeContext]
      : args;
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, fullArgs, {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const lines = (chunk: string) => {
        if (onLine) {
          chunk
            .split('\n')
            .filter(l => l.trim())
            .forEach(onLine);
        }
      };
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        lines(d);
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        lines(d);
      });
      child.on('error', e =>
        reject(new HelmError(`cannot run ${this.binary}: ${e.message}`, '')),
      );
      child.on('close', code => {
        if (code === 0) resolve({ stdout, stderr });
        else {
          const reason = stderr.trim().split('\n').pop() ?? `exit ${code}`;
          reject(new HelmError(`helm ${args[0]} failed: ${reason}`, stderr));
        }
      });
    });
  }

  async list(namespace: string, selector?: string): Promise<HelmRelease[]> {
    if (this.records && !selector) return this.records.list(namespace);
    // helm lists at most 256 releases unless told otherwise (--max 0).
    const args = ['list', '-n', namespace, '--all', '--max', '0', '-o', 'json'];
    if (selector) args.push('--selector', selector);
    const { stdout } = await this.run(args);
    return JSON.parse(stdout || '[]') as HelmRelease[];
  }

  async install(
    options: HelmChartOptions & {
      labels?: Record<string, string>;
      upgrade?: boolean;
      onLine?: (line: string) => void;
    },
  ): Promise<string> {
    return this.withValuesFile(options.values, async valuesFile => {
      const args = [
        options.upgrade ? 'upgrade' : 'install',
        ...chartArgs(options, valuesFile),
      ];
      // The given values are the whole set (Knot computes knot.* again).
      if (options.upgrade) args.push('--reset-values');
      const labels = Object.entries(options.labels ?? {});
      if (labels.length && !options.upgrade) {
        args.push('--labels', labels.map(([k, v]) => `${k}=${v}`).join(','));
      }
      return (await this.run(args, options.onLine)).stdout;
    });
  }

  /**
   * The manifest `install` (or, with `upgrade`, an upgrade) would apply
   * with these options, changing nothing: `helm template --validate`, which
   * renders with the cluster's version and APIs as an install does (without
   * it helm assumes an old Kubernetes that charts' `kubeVersion` refuses,
   * and `lookup` finds nothing).
   */
  async template(
    options: HelmChartOptions & { upgrade?: boolean },
  ): Promise<string> {
    return this.withValuesFile(options.values, async valuesFile => {
      const args = [
        'template',
        ...chartArgs(options, valuesFile),
        '--validate',
      ];
      if (options.upgrade) args.push('--is-upgrade');
      return (await this.run(args)).stdout;
    });
  }

  private async withValuesFile<T>(
    values: unknown,
    use: (valuesFile: string) => Promise<T>,
  ): Promise<T> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-helm-'));
    try {
      // JSON is YAML: helm reads it as a values file.
      const valuesFile = path.join(dir, 'values.json');
      await fs.writeFile(valuesFile, JSON.stringify(values));
      return await use(valuesFile);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  async uninstall(release: string, namespace: string): Promise<void> {
    await this.run(['uninstall', release, '-n', namespace]);
  }

  async getValues(release: string, namespace: string): Promise<unknown> {
    const { stdout } = await this.run([
      'get',
      'values',
      release,
      '-n',
      namespace,
      '-o',
      'json',
    ]);
    return JSON.parse(stdout || '{}');
  }
}
