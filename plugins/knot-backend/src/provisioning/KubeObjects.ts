import type * as k8s from '@kubernetes/client-node';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { keepAliveConfiguration } from '../kubernetes/keepAliveConfiguration';
import { loadClientNode } from '../kubernetes/loadClientNode';

/** Field manager of Knot's server-side applies. */
export const FIELD_MANAGER = 'knot';

/** An object as the API server returned it. */
export type LiveObject = k8s.KubernetesObject & Record<string, any>;

/** The message of a Kubernetes API error (its Status body when there is one). */
export function errorMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body);
      if (status?.message) return status.message;
    } catch {
      // not JSON: fall through
    }
  }
  return error instanceof Error ? error.message : String(error);
}

export function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

/** A KubernetesObjectApi whose requests share one keep-alive agent. */
function keepAliveObjectApi(kc: k8s.KubeConfig): k8s.KubernetesObjectApi {
  const lib = loadClientNode();
  return new lib.KubernetesObjectApi(keepAliveConfiguration(lib, kc));
}

/**
 * Generic object access (apply, list, delete) for any kind, on one shared
 * KubernetesObjectApi so API discovery is done once.
 */
export class KubeObjects {
  private api?: Promise<k8s.KubernetesObjectApi>;

  constructor(private readonly clients: KubernetesClientFactory) {}

  private client(): Promise<k8s.KubernetesObjectApi> {
    this.api ??= this.clients.kubeConfig().then(keepAliveObjectApi);
    this.api.catch(() => {
      this.api = undefined;
    });
    return this.api;
  }

  /** Server-side apply as Knot, taking over fields others changed. */
  async apply(object: k8s.KubernetesObject): Promise<LiveObject> {
    const api = await this.client();
    return api.patch(
      object,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      loadClientNode().PatchStrategy.ServerSideApply,
    );
  }

  /** JSON merge patch: can clear fields other managers set (null). */
  async mergePatch(
    target: {
      apiVersion: string;
      kind: string;
      name: string;
      namespace?: string;
    },
    patch: Record<string, unknown>,
  ): Promise<LiveObject> {
    const api = await this.client();
    const { apiVersion, kind, name, namespace } = target;
    const metadata = {
      ...(patch.metadata as Record<string, unknown> | undefined),
      name,
      namespace,
    };
    return api.patch(
      { ...patch, apiVersion, kind, metadata },
      undefined,
      undefined,
      FIELD_MANAGER,
      undefined,
      loadClientNode().PatchStrategy.MergePatch,
    );
  }

  /** Every object of a kind matching the selector, in all namespaces. */
  async list(
    apiVersion: string,
    kind: string,
    labelSelector: string,
    namespace?: string,
  ): Promise<LiveObject[]> {
    const api = await this.client();
    const list = await api.list(
      apiVersion,
      kind,
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      labelSelector,
    );
    return list.items as LiveObject[];
  }

  /** Deletes an object; false when it was already gone. */
  async delete(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<boolean> {
    const api = await this.client();
    try {
      await api.delete({ apiVersion, kind, metadata: { name, namespace } });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}
