import type { AuthConfig } from '../config';
import { MalformedObjectError, isObject } from './podTemplates';

const PREFIX = 'nginx.ingress.kubernetes.io';

/**
 * The ingress-nginx annotations that put an ingress behind Knot's SSO. Only
 * auth-url / auth-signin / auth-response-headers: snippet annotations are
 * refused by ingress-nginx 1.12+ at the default annotation risk level.
 */
export function authAnnotations(auth: AuthConfig): Record<string, string> {
  if (auth.mode === 'vouch') {
    return {
      [`${PREFIX}/auth-url`]: `${auth.url}/validate`,
      [`${PREFIX}/auth-signin`]: `${auth.url}/login?url=$scheme://$http_host$request_uri&vouch-failcount=$auth_resp_failcount&X-Vouch-Token=$auth_resp_jwt&error=$auth_resp_err`,
      [`${PREFIX}/auth-response-headers`]: auth.responseHeaders.join(','),
    };
  }
  return {
    [`${PREFIX}/auth-url`]: auth.url,
    [`${PREFIX}/auth-signin`]: auth.signinUrl,
    [`${PREFIX}/auth-response-headers`]: auth.responseHeaders.join(','),
  };
}

/** Sets the SSO annotations on an ingress, in place (Knot's values win). */
export function injectAuthAnnotations(
  ingress: Record<string, any>,
  auth: AuthConfig,
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
  ingress.metadata.annotations = { ...annotations, ...authAnnotations(auth) };
}
