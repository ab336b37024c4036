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
    identity?: {
      /** The first admin, created on first start if missing. */
      admin?: {
        /** The first admin's username (may be a reserved name such as `admin`). */
        username?: string;
        /**
         * Name of the environment variable holding the first admin's
         * password (the password itself never goes in a config file).
         * @default KNOT_ADMIN_PASSWORD
         */
        passwordEnv?: string;
      };
      /**
       * Knot's OpenID Connect provider, issuer `<backend>/api/knot/oidc`
       * (discovery at `/api/knot/oidc/.well-known/openid-configuration`).
       */
      oidc?: {
        /** The relying parties allowed to sign users in with Knot. */
        clients?: Array<{
          clientId: string;
          /**
           * Confidential clients have a secret; clients without one are
           * public and must use PKCE.
           * @visibility secret
           */
          clientSecret?: string;
          /** Shown on the login and consent pages. */
          name?: string;
          /** Exact redirect URIs the client may use. */
          redirectUris: string[];
          postLogoutRedirectUris?: string[];
          /** @default client_secret_basic */
          tokenEndpointAuthMethod?:
            | 'client_secret_basic'
            | 'client_secret_post';
          /** First-party clients (the portal) skip the consent page. */
          skipConsent?: boolean;
        }>;
      };
    };

    /** The private and shared data domains. */
    storage?: {
      /**
       * Folder on the backend's filesystem holding one sub-folder per
       * profile: the private domain.
       * @default .knot/storage/private (development)
       */
      privateDir?: string;
      /**
       * Folder on the backend's filesystem holding the shared domain.
       * @default .knot/storage/shared (development)
       */
      sharedDir?: string;
    };

    /** Service templates (Helm charts) and their deployment. */
    services?: {};
  };
}
