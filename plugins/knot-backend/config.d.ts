import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

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

    /** Self-service teams: any active user may create a team and own it. */
    /**
     * The audit log: every platform action (sign-up, approvals, team
     * changes, impersonation, deploys, file deletes...) with its actor,
     * acting profile, target, result and source address, in Knot's
     * database. Admins browse and export it on the Admin page.
     */
    audit?: {
      /**
       * Entries older than this many days are deleted (checked daily by one
       * replica). A whole number, 1 or more.
       * @default 365
       */
      retentionDays?: number;
    };

    teams?: {
      /**
       * Whether a team a user creates waits for an admin's approval (inactive,
       * no namespace) before it can be used.
       * @default false
       */
      creationNeedsApproval?: boolean;
    };

    /** Identity: users, sign-up, the first admin, the OIDC provider. */
    identity?: {
      /**
       * Knot admins besides the active admins of the user store (development:
       * the guest user, who is not in the store). Knot's permission policy
       * grants Knot's permissions to admins; without the permission framework
       * (`permission.enabled` not true) the admin routes ask this directly.
       */
      admins?: string[];
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
        /**
         * A new token-signing key is made at start-up once the newest is
         * this many days old; the previous one stays published (JWKS) for a
         * day, for the ID tokens it signed.
         * @default 90
         */
        signingKeyRotationDays?: number;
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
    /** Datasets: Datashim Datasets of profile namespaces (the Datasets page). */
    datasets?: {
      /**
       * The Dataset API group to create; unset: whichever the cluster serves
       * (datashim.io first, then com.ie.ibm.hpsys).
       */
      apiGroup?: 'datashim.io' | 'com.ie.ibm.hpsys';
      /** How long "Test connection" waits for an S3 endpoint (ms). @default 10000 */
      connectTimeoutMs?: number;
      /**
       * Hosts of S3 endpoints users may give although they are on loopback,
       * private or link-local addresses (`minio.internal`, `*.lab.example.org`,
       * `10.0.0.5`). Public addresses are always allowed; others are refused,
       * so that "Test connection" cannot probe the portal's own network.
       */
      allowedEndpoints?: string[];
      /**
       * Read-only S3 datasets provisioning creates in every profile
       * namespace (and removes when dropped from this list); marked shared
       * in the Datasets page and not deletable by users.
       */
      shared?: Array<{
        name: string;
        endpoint: string;
        bucket: string;
        prefix?: string;
        region?: string;
        /** @visibility secret */
        accessKey: string;
        /** @visibility secret */
        secretKey: string;
      }>;
    };
    /** Images: the container registry behind the Images page. */
    images?: {
      /** Any registry with the distribution API (distribution, Harbor). Unset: the image API answers 503. */
      registry?: {
        /** Base URL of its API (`https://registry.example.org`). */
        url: string;
        /** Host (and port) users pull from; the URL's host when unset. */
        pullHost?: string;
        /**
         * Basic credentials (Harbor: a robot account); never sent to the
         * browser. Provisioning also writes them, as the `knot-registry`
         * pull secret (`kubernetes.io/dockerconfigjson` for `pullHost`), into
         * every profile namespace and lists it on the `default` and `knot`
         * ServiceAccounts, so pods pull private images with no step of
         * their own: one shared credential, so every profile can pull every
         * image. With `knot.integrations.harbor.api` set, the pull secret
         * carries each profile's own pull-only Harbor robot instead (these
         * credentials only for another host). Removed from the namespaces
         * when these are unset.
         */
        username?: string;
        /** @visibility secret */
        password?: string;
        /**
         * The public base URL at which browsers reach this registry's
         * `/v2/` through the ingress (the portal's own origin when the
         * ingress routes `/v2/` of the portal's host to the registry, as the
         * chart's `registryRoute` does, or a registry host): set, the Images
         * page pushes an upload's large layers to the registry itself, so
         * they do not pass through the portal, with a grant of at most 15
         * minutes for exactly those blobs of that repository. The ingress
         * must ask `<backend>/api/knot/images/push-auth` before each such
         * request (auth-url) and copy the `Authorization` header it answers
         * (Knot's registry credentials) to the registry. On another origin
         * than the app's (a registry host, the dev server), the ingress
         * must also answer CORS for the app's origin: preflights of POST
         * and PUT with `Authorization`, `Content-Type` and
         * `X-Knot-Push-Grant`, answered before the auth-url, and
         * `Location` exposed. Unset: uploads go through the portal whole.
         */
        browserPushUrl?: string;
        /**
         * A secret only the ingress knows, at least 32 characters, required
         * with `browserPushUrl`: the ingress's auth-url is
         * `<backend>/api/knot/images/push-auth?key=<pushAuthKey>`. push-auth
         * answers Knot's registry credentials, and anyone who reaches the
         * portal can send the headers an ingress sets: without the key it
         * answers 404.
         * @visibility secret
         */
        pushAuthKey?: string;
      };
      /** How repositories are organised. */
      areas?: {
        /** Path of the area every profile sees. @default shared */
        shared?: string;
        /** Path of each profile's own area, `{profile}` replaced. @default {profile} */
        profile?: string;
        /** Who may upload into the shared area. @default admins */
        sharedUploads?: 'admins' | 'everyone';
      };
      /**
       * Folder where each large blob of an upload is written once as it
       * arrives and kept until pushed (pushes go on while the next blobs
       * arrive). The OS's temporary folder when unset.
       */
      spoolDir?: string;
      /**
       * Blobs of one upload pushed to the registry at once: one stream
       * into a registry is slower than several. @default 4
       */
      pushConcurrency?: number;
      /**
       * The largest image archive an upload may send, in bytes, and the
       * most a `.tar.gz` may unpack to (larger ones are refused with 413).
       * @default 21474836480 (20 GiB)
       */
      maxUploadBytes?: number;
    };
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
      /**
       * The group shared by the backend and users' containers (their gid,
       * e.g. 100 `users`, the bundled images' group): data-domain folders
       * get it with mode 2770 (setgid), files the portal writes 0660, so
       * containers can overwrite uploads and the portal can serve and
       * replace what containers wrote. The backend must be root or a member
       * of the group. Unset: private folders are owner-only (0700).
       */
      groupId?: number;
      /**
       * Whether removing a profile also deletes its private folder. Default:
       * keep it (the admin deletes it by hand).
       * @default false
       */
      deleteFoldersOnRemoval?: boolean;
      /** Where the PVs of the private and shared domains point. */
      volume?: {
        /**
         * `hostPath` (single node, the local default: the folders above),
         * `nfs` (server + paths) or `csi` (driver + volumeHandle prefix).
         * @default hostPath
         */
        type?: 'hostPath' | 'nfs' | 'csi';
        /**
         * Nominal size of each PV/PVC (hostPath and NFS do not enforce it).
         * @default 10Gi
         */
        capacity?: string;
        /** Node paths; default to `privateDir` and `sharedDir`. */
        hostPath?: { privatePath?: string; sharedPath?: string };
        /** Private PVs use `<privatePath>/<name>`; shared ones `sharedPath`. */
        nfs?: { server: string; privatePath: string; sharedPath: string };
        /**
         * volumeHandle is `<volumeHandlePrefix><PV name>`; attribute values
         * may contain `{name}` (the profile) and `{domain}` (private/shared).
         */
        csi?: {
          driver: string;
          volumeHandlePrefix?: string;
          volumeAttributes?: { [key: string]: string };
        };
      };
    };

    /** Per-profile namespaces, RBAC, quotas and volumes (the reconciler). */
    provisioning?: {
      /**
       * When every profile is reconciled (the first run is at startup).
       * Default: every 5 minutes, a 10-minute timeout, 5 s after startup.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Profiles reconciled in parallel.
       * @default 16
       */
      concurrency?: number;
      /**
       * Whether the periodic reconcile removes the namespaces and PVs of
       * profiles the profile source no longer lists.
       * @default true
       */
      removeOrphans?: boolean;
      /**
       * Pod Security Admission level enforced in profile namespaces
       * (`baseline` forbids hostPath volumes); empty to enforce none.
       * @default baseline
       */
      podSecurity?: string;
      /** Default ResourceQuota `hard` values of every profile namespace. */
      quota?: { [resource: string]: string };
      /**
       * Extended resources (e.g. `nvidia.com/gpu`) admins may limit per
       * profile on the Admin page, as `requests.<name>` in the namespace's
       * ResourceQuota (CPU, memory and pods always may be).
       */
      extendedResources?: string[];
      /** Default container requests/limits (a LimitRange) per namespace. */
      limitRange?: {
        default?: { [resource: string]: string };
        defaultRequest?: { [resource: string]: string };
      };
      /**
       * Profiles provisioned besides the active users and teams of Knot's
       * user store (development: the guest user, who is not in the store).
       */
      profiles?: Array<{
        name: string;
        isTeam?: boolean;
        active?: boolean;
        quota?: { [resource: string]: string };
      }>;
      /**
       * The portal's ServiceAccount when Knot runs in the cluster (the Helm
       * chart sets it): a RoleBinding `knot-portal` to `admin` in every
       * profile namespace lets the portal deploy users' services there and
       * nowhere else.
       */
      portalAccess?: { serviceAccount: string; namespace: string };
    };

    /**
     * Services installed next to Knot that sign users in with Knot's OIDC
     * provider. Each present one (unless `enabled: false`) registers its
     * OIDC client, shows a tile on the home page and a sidebar entry, and
     * sets the `knot.*` values and `knot_*` claims it implies (Argo:
     * `argoWorkflowsUrl`; Harbor: the private/public registry and chart
     * repository URLs, the private ones per profile).
     */
    integrations?: {
      /** Notebook service (GenericOAuthenticator; integrations/jupyterhub). */
      jupyterhub?: KnotIntegrationConfig;
      /** Workflow service (argo server --auth-mode=sso). */
      argoWorkflows?: KnotIntegrationConfig & {
        /**
         * A ClusterRole holding the workflow rights (the Helm chart makes
         * one): each profile's Argo account is bound to it in the profile's
         * namespace, so the portal needs only `bind` on it, not the rights
         * themselves. Without it, a Role with those rights is written into
         * each profile namespace (the portal must then hold them there).
         */
        clusterRole?: string;
      };
      /** Container image and service template registry (auth_mode oidc_auth). */
      harbor?: KnotIntegrationConfig & {
        /**
         * The project every profile may pull from (`knot.publicRegistryUrl`,
         * `knot.publicRepoUrl`); each profile's own is named after it.
         * @default library
         */
        publicProject?: string;
        /**
         * A Harbor system admin for Harbor's API v2.0. When set, provisioning
         * gives every profile a private project named after it, its people
         * as members (a user maintains their own; team owners maintain,
         * members push, viewers pull) and a system robot account
         * `knot-<profile>` that may only pull, from that project and
         * `publicProject`. The robot's secret is the profile namespace's
         * `knot-registry` pull secret, refreshed when Harbor or the registry
         * no longer accept it. A deactivated profile's robot is disabled
         * and its members removed; a deleted profile's robot is deleted, its
         * project and images kept (integrations/harbor/README.md).
         */
        api?: {
          username: string;
          /** @visibility secret */
          password: string;
        };
      };
      /** Metrics service (auth.generic_oauth; integrations/grafana). */
      grafana?: KnotIntegrationConfig;
    };

    /** Service templates (Helm charts) and their deployment. */
    services?: {
      /**
       * Folder of global charts, one unpacked chart per sub-folder; relative
       * paths are resolved from the backend's working directory.
       * @default the bundled charts (shipped in this package)
       */
      chartsDir?: string;
      /**
       * How long the list of charts (of every source) is reused before the
       * sources are read again.
       * @default 30
       */
      chartsCacheSeconds?: number;
      /**
       * The helm binary; looked up on PATH when not a path.
       * @default helm
       */
      helmPath?: string;
      /**
       * Whether a deploy (install, or "Change values") is first rendered with
       * `helm template` and held against what the profile namespace's
       * ResourceQuotas have left: one that does not fit is refused with 422
       * ("Needs 2 CPU, 1.5 CPU free of 4 in alice's quota") before helm
       * runs, instead of leaving pods Pending. Namespaces without a quota
       * are not rendered. `false` leaves it to the API server.
       * @default true
       */
      quotaFitCheck?: boolean;
      /**
       * Owner of the generated Templates.
       * @default group:default/knot-admins
       */
      templateOwner?: string;
      /**
       * Scheme of service URLs (`<scheme>://<service>-<user>.<domain>/`).
       * @default https
       */
      urlScheme?: string;
      /**
       * Port of service URLs when the ingress does not listen on the
       * scheme's default (the local cluster's Traefik).
       */
      urlPort?: number;
      /**
       * Where users' services are reached. `subdomain` (the default):
       * `<service>-<user>.<knot.ingress.domain>`, which needs wildcard DNS
       * and a wildcard certificate. `prefix`: under URL prefixes of one
       * host, `<urlScheme>://<host><pathPrefix>/<service>-<user>/`, with
       * the same owner-only sign-in. Apps must then serve under their
       * base path (charts get it as `knot.basePath`). The webhook must be
       * given the same settings (`ingress.exposure`). All services then
       * share one origin: a service's page can call the viewer's other
       * services with the viewer's session (deploy/README.md).
       */
      exposure?: {
        /** @default subdomain */
        mode?: 'subdomain' | 'prefix';
        /**
         * Prefix mode: the host serving every service. Keep it a host of
         * its own (the default, `services.<knot.ingress.domain>`): services
         * on the portal's host share the portal's origin, so a service's
         * script could read the portal's storage and call its API with the
         * session of whoever opens it (an owner, or a user it is shared
         * with). The portal's host is refused unless `allowPortalHost`.
         */
        host?: string;
        /**
         * Prefix mode: the path every service lives under.
         * @default /services
         */
        pathPrefix?: string;
        /**
         * Prefix mode: serve services on the portal's own host (same
         * origin as the portal: see `host`). A warning is logged at start.
         * @default false
         */
        allowPortalHost?: boolean;
      };
      /** Platform URLs handed to charts as knot.* values when set. */
      urls?: {
        argoWorkflowsUrl?: string;
        privateRegistryUrl?: string;
        publicRegistryUrl?: string;
        privateRepoUrl?: string;
        publicRepoUrl?: string;
      };
      /** Forward-auth of users' services (the ingress auth-url). */
      forwardAuth?: {
        /**
         * Where anonymous browsers are sent to sign in; `rd` is appended
         * with the URL they asked for.
         * @default <app.baseUrl>/knot/services/sign-in
         */
        signInUrl?: string;
        /**
         * Name of the cookie holding the Backstage token on the service
         * domain (scoped to the parent domain).
         * @default knot_session
         */
        cookieName?: string;
        /**
         * The ingress controller in front of users' services, which decides
         * the one header forward-auth reads the requested host from: the
         * header that controller itself sets on the auth subrequest and a
         * client cannot supply. `traefik`: `X-Forwarded-Host` (Traefik
         * overwrites it; a client's `X-Original-URL` passes through, so it
         * is ignored). `ingress-nginx`: `X-Original-URL` (ingress-nginx
         * passes a client's `X-Forwarded-Host` through, so it is ignored).
         * Must match the webhook's `ingress.controller`.
         * @default traefik
         */
        ingressController?: 'traefik' | 'ingress-nginx';
      };
      /**
       * Idle stop: services nobody opened (through forward-auth) for their
       * idle time are scaled to zero — Deployments and StatefulSets, their
       * replicas kept for Start; nothing is deleted. A chart sets its own
       * idle time with the Chart.yaml annotation `knot/idle-after` (`2h`,
       * `never`); the owner exempts one service with "Keep running".
       */
      idleStop?: {
        /**
         * Idle time after which a service is stopped: `8h`, `45m`, `1h30m`,
         * `90s`, `2d`; `never` (or `false`) stops none (charts with a
         * `knot/idle-after` annotation still are).
         * @default never
         */
        defaultAfter?: string | false;
        /**
         * How often one portal replica looks for idle services: a service
         * stops at most this long after its idle time.
         * @default 5m
         */
        checkInterval?: string;
        /**
         * How often each portal replica writes the accesses it saw onto the
         * services' workloads (annotation `knot/last-access`; the latest
         * time of all replicas wins). Forward-auth itself only notes them in
         * memory.
         * @default 60s
         */
        flushInterval?: string;
      };
    };
  };
}

/** One integration: where users open it and its client at Knot's provider. */
interface KnotIntegrationConfig {
  /** @default true when the integration is configured */
  enabled?: boolean;
  /** The service's URL, opened from the portal in a new tab. */
  url: string;
  oidc: {
    /**
     * @default the integration's name (jupyterhub, argo-workflows, harbor,
     * grafana)
     */
    clientId?: string;
    /** @visibility secret */
    clientSecret: string;
    /** @default the service's callback under `url` */
    redirectUris?: string[];
    postLogoutRedirectUris?: string[];
    /**
     * The admin consents for the users: no consent page.
     * @default true
     */
    skipConsent?: boolean;
  };
}
