import type { KubernetesHealth } from '@internal/plugin-knot-common';
import { KubernetesClientFactory } from './KubernetesClientFactory';

/** Asks the API server for its version, within a time limit. */
export class KubernetesHealthProbe {
  constructor(
    private readonly clients: KubernetesClientFactory,
    private readonly timeoutMs: number,
  ) {}

  async check(): Promise<KubernetesHealth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      const version = await Promise.race([
        this.clients.makeClient(lib => lib.VersionApi).then(c => c.getCode()),
        timeout,
      ]);
      return {
        reachable: true,
        server: this.clients.server(),
        version: version.gitVersion,
      };
    } catch (error) {
      return {
        reachable: false,
        server: this.clients.server(),
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
