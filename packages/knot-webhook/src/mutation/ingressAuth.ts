import { NO_AUTH_LABEL } from '@knot-platform/plugin-knot-common';
import type { AuthConfig, IngressController } from '../config';
import { MalformedObjectError, isObject, labelsOf } from './podTemplates';

const PREFIX = 'nginx.ingress.kubernetes.io';

/** The annotations Knot owns on profiles' Ingresses (users may not set them). */
export const KNOT_AUTH_ANNOTATIONS = [
  `${PREFIX}/auth-url`,
  `${PREFIX}/auth-signin`,
  `${PREFIX}/auth-response-headers`,
] as const;

/** With `?redirect=1` forward-auth answers anonymous browsers with a 302. */
function withRedirect(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('redirect', '1');
  return parsed.toString();
}

/** Forward-auth's endpoint for public services (`<auth url>/public`). */
function publicUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/public`;
  return parsed.toString();
}

/** Whether an object opted out of something with a label (any value but "false"). */
export function optedOut(labels: Record<string, unknown>, label: string) {
  return (
    Object.prototype.hasOwnProperty.call(labels, label) &&
    labels[label] !== 'false'
  );
}

/**
 * The ingress-nginx annotations that put an ingress behind Knot's SSO. Only
 * auth-url / auth-signin / auth-response-headers: snippet annotations are
 * refused by ingress-nginx 1.12+ at the default annotation risk level.
 * Traefik ignores `auth-signin`, so there forward-auth redirects itself.
 * A public service (`knot-no-auth`) still goes through forward-auth's public
 * endpoint: it lets everyone in but strips Knot's credentials and forged
 * identity headers.
 */
export function authAnnotations(
  auth: AuthConfig,
  controller: IngressController,
  isPublic = false,
): Record<string, string> {
  if (auth.mode === 'vouch') {
    if (isPublic) return {};
    return {
      [`${PREFIX}/auth-url`]: `${auth.url}/validate`,
      [`${PREFIX}/auth-signin`]: `${auth.url}/login?url=$scheme://$http_host$request_uri&vouch-failcount=$auth_resp_failcount&X-Vouch-Token=$auth_resp_jwt&error=$auth_resp_err`,
      [`${PREFIX}/auth-response-headers`]: auth.responseHeaders.join(','),
    };
  }
  const responseHeaders = {
    [`${PREFIX}/auth-response-headers`]: auth.responseHeaders.join(','),
  };
  if (isPublic) {
    return { [`${PREFIX}/auth-url`]: publicUrl(auth.url), ...responseHeaders };
  }
  if (controller === 'traefik') {
    return {
      [`${PREFIX}/auth-url`]: withRedirect(auth.url),
      ...responseHeaders,
    };
  }
  return {
    [`${PREFIX}/auth-url`]: auth.url,
    [`${PREFIX}/auth-signin`]: auth.signinUrl,
    ...responseHeaders,
  };
}

/** The auth annotations this Ingress must carry, by its `knot-no-auth` label. */
export function expectedAuthAnnotations(
  ingress: Record<string, any>,
  auth: AuthConfig,
  controller: IngressController,
): Record<string, string> {
  return authAnnotations(
    auth,
    controller,
    optedOut(labelsOf(ingress), NO_AUTH_LABEL),
  );
}

/**
 * Sets the SSO annotations on an ingress, in place: Knot's values replace
 * the user's, and Knot's annotations the user set but this variant does not
 * use are removed.
 */
export function injectAuthAnnotations(
  ingress: Record<string, any>,
  auth: AuthConfig,
  controller: IngressController,
): void {
  if (ingress.metadata === undefined) {
    ingress.metadata = {};
  }
  if (!isObject(ingress.metadata)) {
    throw new MalformedObjectError('metadata must be an object');
  }
  const annotations = ingress.metadata.annotations ?? {};
  if (!isObject(annotations)) {
    throw new MalformedObjectError('metadata.annotations must be an object');
  }
  const kept = Object.fromEntries(
    Object.entries(annotations).filter(
      ([key]) => !(KNOT_AUTH_ANNOTATIONS as readonly string[]).includes(key),
    ),
  );
  ingress.metadata.annotations = {
    ...kept,
    ...expectedAuthAnnotations(ingress, auth, controller),
  };
}
