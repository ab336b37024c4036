export interface Config {
  /** Knot: all admin configuration of the platform lives under this key. */
  knot?: {
    /**
     * Prefix of user and team namespaces (`<prefix><name>`).
     * @default knot-
     */
    namespacePrefix?: string;

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

    /** How users' services are exposed. */
    ingress?: {
      /**
       * The domain services live under: `<service>-<user>.<domain>`.
       * @default localtest.me
       */
      domain?: string;
      /**
       * The portal's own URL, handed to services as `knot.ingressUrl`.
       * Defaults to `app.baseUrl`.
       */
      url?: string;
    };

    /** Identity: users, sign-up, the first admin, the OIDC provider. */
    identity?: {};

    /** The private and shared data domains. */
    storage?: {
      /**
       * Folder on the backend's filesystem holding one sub-folder per
       * profile (`<privateDir>/<profile>`, created 0700): the private domain.
       * Relative paths are resolved against the backend's working directory.
       * Unset: the file API answers 503. app-config.yaml sets
       * `../../.knot/storage/private` for development.
       */
      privateDir?: string;
      /**
       * Folder on the backend's filesystem holding the shared domain, the
       * same for every profile. Relative as `privateDir`.
       */
      sharedDir?: string;
      /**
       * Storage quota of each profile's private folder, in MiB, enforced on
       * upload (413 with the usage in the message). No quota when unset.
       */
      privateQuotaMiB?: number;
    };

    /** Service templates (Helm charts) and their deployment. */
    services?: {};
  };
}
