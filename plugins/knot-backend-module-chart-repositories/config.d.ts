export interface Config {
  knot?: {
    services?: {
      /**
       * Chart locations whose charts are offered next to the bundled ones:
       * classic Helm repositories (`https://…` with an index.yaml, e.g.
       * ChartMuseum) and OCI registries (`oci://host[:port]/project`, e.g. a
       * Harbor project charts are `helm push`ed to; every chart repository
       * under that path is read).
       *
       * A URL containing `{profile}` (e.g. `oci://harbor.example.org/{profile}`,
       * each user's own Harbor project) is read once for every active user
       * and team; those charts are offered only to that profile (Templates
       * owned by it) and `knot:helm:install` refuses to deploy them as anyone
       * else. A profile without such a location simply has none.
       */
      repositories?: Array<{
        url: string;
        /**
         * How many of the newest versions of each chart to offer.
         * @default 3
         */
        maxVersions?: number;
        /** OCI only: registry user (e.g. a Harbor robot account). */
        username?: string;
        /**
         * OCI only: its password or secret; used for the registry's token
         * service, never handed to helm, Templates or task logs.
         * @visibility secret
         */
        password?: string;
        /**
         * OCI only: a bearer token sent as is instead of the token flow.
         * @visibility secret
         */
        token?: string;
        /**
         * OCI only: talk plain HTTP instead of HTTPS (a local registry).
         * @default false
         */
        plainHttp?: boolean;
      }>;
    };
  };
}
