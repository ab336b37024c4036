export interface Config {
  /** Knot: all admin configuration of the platform lives under this key. */
  knot?: {
    kubernetes?: {
      /**
       * Path of the kubeconfig file Knot uses to reach the cluster. When
       * unset, the standard lookup applies: `KUBECONFIG`, then the in-cluster
       * service account, then `~/.kube/config`.
       */
      kubeconfig?: string;
      /** Context of the kubeconfig to use; its current context when unset. */
      context?: string;
      /**
       * How long a health probe of the API server may take, in milliseconds.
       * @default 3000
       */
      healthTimeoutMs?: number;
    };
  };
}
