import type { KubernetesHealth } from '@knot-platform/plugin-knot-common';
import { KubernetesClientFactory } from './KubernetesClientFactory';

/** Asks the API server for its version, within a time limit. */
export class KubernetesHealthProbe {
  constructor(
    private readonly clients: KubernetesClientFactory,
    private readonly timeoutMs: number,
  ) {}

  async check(): Promise<KubernetesHealth> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // Loading the client and kubeconfig is not part of the time limit:
      // only the API server's answer is.
      const client = await this.clients.makeClient(lib => lib.VersionApi);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
      });
      const version = await Promise.race([client.getCode(), timeout]);
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
