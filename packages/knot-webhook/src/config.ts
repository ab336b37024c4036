import fs from 'node:fs';
import YAML from 'yaml';
import {
  DEFAULT_NAMESPACE_PREFIX,
  FORWARD_AUTH_PATH,
  FORWARD_AUTH_PROFILE_HEADER,
  FORWARD_AUTH_USER_HEADER,
  KNOT_OPTIONAL_URL_NAMES,
  SERVICE_SIGN_IN_PATH,
  DEFAULT_SERVICE_PATH_PREFIX,
  type ServicePrefixExposure,
  normalizeHost,
  normalizePathPrefix,
  SERVICE_SIGN_IN_RETURN_PARAM,
  PRIVATE_MOUNT_PATH,
  SHARED_MOUNT_PATH,
} from '@knot-platform/plugin-knot-common';

/** The request headers forward-auth answers cleaned of Knot's credentials. */
export const SERVICE_CREDENTIAL_HEADERS = ['Cookie', 'Authorization'];

/** How ingresses are put behind single sign-on. */
export type AuthConfig =
  | {
      /** Knot backend's forward-auth endpoint (`/api/knot/forward-auth`). */
      mode: 'forward-auth';
      /** `auth-url`: where ingress-nginx asks whether a request may pass. */
      url: string;
      /** `auth-signin`: where the browser is sent when it may not. */
      signinUrl: string;
      /** `auth-response-headers`: headers copied from the auth answer. */
      responseHeaders: string[];
    }
  | {
      /** Vouch Proxy, as the original Knot did (`/validate`, `/login`). */
      mode: 'vouch';
      /** Vouch's public URL, e.g. `https://vouch.example.com`. */
      url: string;
      responseHeaders: string[];
    };

/**
 * The ingress controllers whose annotations the webhook writes: both read
 * ingress-nginx's annotations (Traefik through its Kubernetes Ingress NGINX
 * provider), but Traefik ignores `auth-signin` (forward-auth answers the
 * redirect itself, `?redirect=1`) and the two set different trustworthy
 * headers (see the knot backend's `knot.services.forwardAuth.ingressController`).
 */
export const INGRESS_CONTROLLERS = ['traefik', 'ingress-nginx'] as const;
export type IngressController = (typeof INGRESS_CONTROLLERS)[number];

/**
 * Ingress annotations users may set: none that adds hosts, routes, auth,
 * TLS passthrough, cookies on other domains or configuration snippets.
 * An entry ending in `*` is a prefix.
 */
export const DEFAULT_ALLOWED_INGRESS_ANNOTATIONS: readonly string[] = [
  'meta.helm.sh/release-name',
  'meta.helm.sh/release-namespace',
  'kubectl.kubernetes.io/last-applied-configuration',
  'nginx.ingress.kubernetes.io/proxy-body-size',
  'nginx.ingress.kubernetes.io/proxy-connect-timeout',
  'nginx.ingress.kubernetes.io/proxy-read-timeout',
  'nginx.ingress.kubernetes.io/proxy-send-timeout',
  'nginx.ingress.kubernetes.io/proxy-buffering',
  'nginx.ingress.kubernetes.io/proxy-request-buffering',
  'nginx.ingress.kubernetes.io/ssl-redirect',
  'nginx.ingress.kubernetes.io/force-ssl-redirect',
];

/** Everything the webhook needs to know; see README.md for the file format. */
export interface WebhookConfig {
  /** Profile namespaces are `<prefix><username>`. */
  namespacePrefix: string;
  ingress: {
    /** Services live at `<anything>-<user>.<domain>`. */
    domain: string;
    /**
     * URL-prefix mode (`ingress.exposure`): services at
     * `<host><pathPrefix>/<anything>-<user>/`; subdomain mode when unset.
     * The same as the backend's `knot.services.exposure`.
     */
    prefix?: ServicePrefixExposure;
    /** Handed to containers as KNOT_INGRESS_URL (the portal's URL). */
    url: string;
    /** The controller serving profiles' Ingresses. */
    controller: IngressController;
    /** The only IngressClass profiles' Ingresses may name; any when unset. */
    className?: string;
    /** Annotations users may set (Knot's own auth annotations aside). */
    allowedAnnotations: readonly string[];
  };
  auth: AuthConfig;
  /** KNOT_PRIVATE_DIR / KNOT_SHARED_DIR; also where the PVCs are mounted. */
  privateDir: string;
  sharedDir: string;
  /** Optional KNOT_* URLs (seeds' table), set only when configured. */
  urls: {
    argoWorkflowsUrl?: string;
    privateRegistryUrl?: string;
    publicRegistryUrl?: string;
    privateRepoUrl?: string;
    publicRepoUrl?: string;
  };
  /** Host paths pods may mount (each entry and everything below it). */
  hostPathAllowlist: string[];
  /** How long the Dataset list of a namespace is reused. */
  datasetCacheMs: number;
  /** Requests larger than this are refused with 413. */
  maxBodyBytes: number;
  server: {
    host: string;
    port: number;
    certFile?: string;
    keyFile?: string;
    /**
     * How long a replica told to stop (SIGTERM) keeps answering before it
     * stops listening: the API servers still send it requests until they
     * see its endpoint removed. 0 (the default, for development): stops
     * listening at once; the chart sets it (`webhook.shutdownDelaySeconds`).
     */
    shutdownDelayMs: number;
  };
  /** Kubeconfig for listing Datasets; default lookup when unset. */
  kubeconfig?: string;
}

function str(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new Error(`knot-webhook config: ${what} must be a string`);
  }
  return value;
}

function list(value: unknown, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    return value
      .split(',')
      .map(s => s.trim())
      .filter(Boolean);
  }
  if (Array.isArray(value) && value.every(v => typeof v === 'string')) {
    return value as string[];
  }
  throw new Error(`knot-webhook config: ${what} must be a list of strings`);
}

function num(value: unknown, what: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new Error(`knot-webhook config: ${what} must be a number`);
  }
  return n;
}

/** `ingress.exposure` (KNOT_WEBHOOK_EXPOSURE_*): the prefix, in prefix mode. */
function readExposure(
  input: any,
  env: NodeJS.ProcessEnv,
  domain: string,
): ServicePrefixExposure | undefined {
  const mode =
    str(env.KNOT_WEBHOOK_EXPOSURE_MODE, 'KNOT_WEBHOOK_EXPOSURE_MODE') ??
    str(input.ingress?.exposure?.mode, 'ingress.exposure.mode') ??
    'subdomain';
  if (mode === 'subdomain') return undefined;
  if (mode !== 'prefix') {
    throw new Error(
      `knot-webhook config: ingress.exposure.mode must be "subdomain" or "prefix", not "${mode}"`,
    );
  }
  const rawHost =
    str(env.KNOT_WEBHOOK_EXPOSURE_HOST, 'KNOT_WEBHOOK_EXPOSURE_HOST') ??
    str(input.ingress?.exposure?.host, 'ingress.exposure.host') ??
    `services.${domain}`;
  const host = normalizeHost(rawHost);
  if (!host || rawHost.includes(':')) {
    throw new Error(
      `knot-webhook config: ingress.exposure.host must be a host name without a port, not "${rawHost}"`,
    );
  }
  const pathPrefix = normalizePathPrefix(
    str(
      env.KNOT_WEBHOOK_EXPOSURE_PATH_PREFIX,
      'KNOT_WEBHOOK_EXPOSURE_PATH_PREFIX',
    ) ??
      str(input.ingress?.exposure?.pathPrefix, 'ingress.exposure.pathPrefix') ??
      DEFAULT_SERVICE_PATH_PREFIX,
    'knot-webhook config: ingress.exposure.pathPrefix',
  );
  return { host, pathPrefix };
}

/**
 * Builds the configuration from an object (a parsed file), with environment
 * variables (KNOT_WEBHOOK_*) taking precedence, and checks it.
 */
export function resolveConfig(
  input: any = {},
  env: NodeJS.ProcessEnv = {},
): WebhookConfig {
  const domain =
    str(env.KNOT_WEBHOOK_INGRESS_DOMAIN, 'KNOT_WEBHOOK_INGRESS_DOMAIN') ??
    str(input.ingress?.domain, 'ingress.domain') ??
    'localtest.me';
  const ingressUrl =
    str(env.KNOT_WEBHOOK_INGRESS_URL, 'KNOT_WEBHOOK_INGRESS_URL') ??
    str(input.ingress?.url, 'ingress.url') ??
    `https://${domain}`;

  const vouchUrl =
    str(env.KNOT_WEBHOOK_VOUCH_URL, 'KNOT_WEBHOOK_VOUCH_URL') ??
    (input.auth?.mode === 'vouch'
      ? str(input.auth?.url, 'auth.url')
      : undefined);
  const responseHeaders = list(
    env.KNOT_WEBHOOK_AUTH_RESPONSE_HEADERS ?? input.auth?.responseHeaders,
    'auth.responseHeaders',
  );
  let auth: AuthConfig;
  if (vouchUrl) {
    auth = {
      mode: 'vouch',
      url: vouchUrl.replace(/\/+$/, ''),
      responseHeaders: responseHeaders ?? ['X-Vouch-User'],
    };
  } else {
    auth = {
      mode: 'forward-auth',
      url:
        str(env.KNOT_WEBHOOK_AUTH_URL, 'KNOT_WEBHOOK_AUTH_URL') ??
        str(input.auth?.url, 'auth.url') ??
        `${ingressUrl.replace(/\/+$/, '')}${FORWARD_AUTH_PATH}`,
      signinUrl:
        str(env.KNOT_WEBHOOK_AUTH_SIGNIN_URL, 'KNOT_WEBHOOK_AUTH_SIGNIN_URL') ??
        str(input.auth?.signinUrl, 'auth.signinUrl') ??
        `${ingressUrl.replace(
          /\/+$/,
          '',
        )}${SERVICE_SIGN_IN_PATH}?${SERVICE_SIGN_IN_RETURN_PARAM}=$scheme://$http_host$escaped_request_uri`,
      // The headers forward-auth answers with: who, and the request's own
      // Cookie and Authorization without Knot's credentials (absent from the
      // answer = removed), so a service never receives a Knot token.
      // Configured lists get them too.
      responseHeaders: [
        ...new Set([
          ...(responseHeaders ?? [
            FORWARD_AUTH_USER_HEADER,
            FORWARD_AUTH_PROFILE_HEADER,
          ]),
          ...SERVICE_CREDENTIAL_HEADERS,
        ]),
      ],
    };
  }

  const urls: WebhookConfig['urls'] = {};
  for (const key of KNOT_OPTIONAL_URL_NAMES) {
    const value = str(input.urls?.[key], `urls.${key}`);
    if (value) urls[key] = value;
  }

  const allowlist =
    list(
      env.KNOT_WEBHOOK_HOSTPATH_ALLOWLIST,
      'KNOT_WEBHOOK_HOSTPATH_ALLOWLIST',
    ) ??
    list(input.hostPathAllowlist, 'hostPathAllowlist') ??
    [];
  for (const entry of allowlist) {
    if (!entry.startsWith('/')) {
      throw new Error(
        `knot-webhook config: hostPathAllowlist entry "${entry}" must be an absolute path`,
      );
    }
  }

  const prefix =
    str(env.KNOT_WEBHOOK_NAMESPACE_PREFIX, 'KNOT_WEBHOOK_NAMESPACE_PREFIX') ??
    str(input.namespacePrefix, 'namespacePrefix') ??
    DEFAULT_NAMESPACE_PREFIX;

  const controller =
    str(
      env.KNOT_WEBHOOK_INGRESS_CONTROLLER,
      'KNOT_WEBHOOK_INGRESS_CONTROLLER',
    ) ??
    str(input.ingress?.controller, 'ingress.controller') ??
    'traefik';
  if (!(INGRESS_CONTROLLERS as readonly string[]).includes(controller)) {
    throw new Error(
      `knot-webhook config: ingress.controller must be one of ${INGRESS_CONTROLLERS.join(
        ', ',
      )}, not "${controller}"`,
    );
  }

  const exposure = readExposure(input, env, domain.toLowerCase());

  return {
    namespacePrefix: prefix,
    ingress: {
      domain: domain.toLowerCase(),
      ...(exposure && { prefix: exposure }),
      url: ingressUrl,
      controller: controller as IngressController,
      className:
        str(env.KNOT_WEBHOOK_INGRESS_CLASS, 'KNOT_WEBHOOK_INGRESS_CLASS') ??
        str(input.ingress?.className, 'ingress.className'),
      allowedAnnotations:
        list(input.ingress?.allowedAnnotations, 'ingress.allowedAnnotations') ??
        DEFAULT_ALLOWED_INGRESS_ANNOTATIONS,
    },
    auth,
    privateDir: str(input.privateDir, 'privateDir') ?? PRIVATE_MOUNT_PATH,
    sharedDir: str(input.sharedDir, 'sharedDir') ?? SHARED_MOUNT_PATH,
    urls,
    hostPathAllowlist: allowlist,
    datasetCacheMs: num(input.datasetCacheMs, 'datasetCacheMs') ?? 5000,
    maxBodyBytes: num(input.maxBodyBytes, 'maxBodyBytes') ?? 6 * 1024 * 1024,
    server: {
      host:
        str(env.KNOT_WEBHOOK_HOST, 'KNOT_WEBHOOK_HOST') ??
        str(input.server?.host, 'server.host') ??
        '0.0.0.0',
      port:
        num(env.KNOT_WEBHOOK_PORT, 'KNOT_WEBHOOK_PORT') ??
        num(input.server?.port, 'server.port') ??
        8443,
      certFile:
        str(env.KNOT_WEBHOOK_CERT_FILE, 'KNOT_WEBHOOK_CERT_FILE') ??
        str(input.server?.certFile, 'server.certFile'),
      keyFile:
        str(env.KNOT_WEBHOOK_KEY_FILE, 'KNOT_WEBHOOK_KEY_FILE') ??
        str(input.server?.keyFile, 'server.keyFile'),
      shutdownDelayMs:
        num(
          env.KNOT_WEBHOOK_SHUTDOWN_DELAY_MS,
          'KNOT_WEBHOOK_SHUTDOWN_DELAY_MS',
        ) ??
        num(input.server?.shutdownDelayMs, 'server.shutdownDelayMs') ??
        0,
    },
    kubeconfig:
      str(env.KNOT_WEBHOOK_KUBECONFIG, 'KNOT_WEBHOOK_KUBECONFIG') ??
      str(input.kubeconfig, 'kubeconfig'),
  };
}

/** Reads the file named by KNOT_WEBHOOK_CONFIG (JSON or YAML), then the env. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
): WebhookConfig {
  const file = env.KNOT_WEBHOOK_CONFIG;
  const input = file ? YAML.parse(fs.readFileSync(file, 'utf8')) ?? {} : {};
  return resolveConfig(input, env);
}
