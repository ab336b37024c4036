import type * as k8s from '@kubernetes/client-node';
import type { KubernetesConfig } from './config';
import { keepAliveConfiguration } from './keepAliveConfiguration';
import { loadClientNode, type ClientNode } from './loadClientNode';

/** Loads the kubeconfig Knot acts with and creates API clients from it. */
export class KubernetesClientFactory {
  private loaded?: Promise<{ lib: ClientNode; kubeConfig: k8s.KubeConfig }>;
  private configuration?: k8s.Configuration;
  private serverUrl?: string;

  static fromConfig(config: KubernetesConfig): KubernetesClientFactory {
    return new KubernetesClientFactory(config.kubeconfig, config.context);
  }

  constructor(
    private readonly kubeconfigPath?: string,
    private readonly context?: string,
  ) {}

  /** The API server URL for messages; before the first load, where it comes from. */
  server(): string {
    return (
      this.serverUrl ??
      this.kubeconfigPath ??
      process.env.KUBECONFIG ??
      'the default kubeconfig'
    );
  }

  async kubeConfig(): Promise<k8s.KubeConfig> {
    return (await this.load()).kubeConfig;
  }

  /** A typed client; every client shares one keep-alive connection pool. */
  async makeClient<T extends k8s.ApiType>(
    api: (lib: ClientNode) => k8s.ApiConstructor<T>,
  ): Promise<T> {
    const { lib, kubeConfig } = await this.load();
    if (!kubeConfig.getCurrentCluster()) {
      // As client-node's own makeApiClient says it.
      throw new Error('No active cluster!');
    }
    this.configuration ??= keepAliveConfiguration(lib, kubeConfig);
    const Api = api(lib);
    return new Api(this.configuration);
  }

  private load() {
    this.loaded ??= (async () => {
      const lib = loadClientNode();
      const kubeConfig = new lib.KubeConfig();
      if (this.kubeconfigPath) {
        kubeConfig.loadFromFile(this.kubeconfigPath);
      } else {
        kubeConfig.loadFromDefault();
      }
      if (this.context) {
        kubeConfig.setCurrentContext(this.context);
      }
      this.serverUrl = kubeConfig.getCurrentCluster()?.server;
      return { lib, kubeConfig };
    })();
    // A failed load (missing file) is retried on the next call.
    this.loaded.catch(() => {
      this.loaded = undefined;
    });
    return this.loaded;
  }
}
