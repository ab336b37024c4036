import type { WebhookConfig } from '../config';
import {
  KNOT_AUTH_ANNOTATIONS,
  expectedAuthAnnotations,
} from '../mutation/ingressAuth';
import { MalformedObjectError, isObject } from '../mutation/podTemplates';

function allowedBy(key: string, allowed: readonly string[]): boolean {
  return allowed.some(entry =>
    entry.endsWith('*') ? key.startsWith(entry.slice(0, -1)) : key === entry,
  );
}

/**
 * What a profile's Ingress may not do besides naming hosts: catch every
 * host (`spec.defaultBackend`), use another IngressClass than Knot's (a
 * controller that ignores Knot's auth annotations), or carry annotations
 * outside the allowlist — host aliases (`server-alias`), TLS passthrough
 * (bypasses forward-auth), other auth, cookie domains, snippets, other
 * controllers' router rules. Knot's own auth annotations must have exactly
 * the values the mutating webhook wrote.
 */
export function checkIngressShape(
  ingress: Record<string, any>,
  config: WebhookConfig,
): string | undefined {
  const spec = ingress.spec;
  if (
    isObject(spec) &&
    spec.defaultBackend !== undefined &&
    spec.defaultBackend !== null
  ) {
    return 'Ingress spec.defaultBackend is not allowed: it would catch requests for every hostname; route your service with a rule that names its host';
  }
  const className = isObject(spec) ? spec.ingressClassName : undefined;
  if (
    config.ingress.className &&
    className !== undefined &&
    className !== null &&
    className !== config.ingress.className
  ) {
    return `Ingress class "${className}" is not allowed: Knot's services use the class "${config.ingress.className}"`;
  }
  const metadata = ingress.metadata ?? {};
  if (!isObject(metadata)) {
    throw new MalformedObjectError('metadata must be an object');
  }
  const annotations = metadata.annotations ?? {};
  if (!isObject(annotations)) {
    throw new MalformedObjectError('metadata.annotations must be an object');
  }
  const expected = expectedAuthAnnotations(
    ingress,
    config.auth,
    config.ingress.controller,
  );
  for (const [key, value] of Object.entries(expected)) {
    if (annotations[key] !== value) {
      return `Ingress annotation "${key}" must be Knot's own value "${value}"`;
    }
  }
  for (const key of Object.keys(annotations)) {
    if ((KNOT_AUTH_ANNOTATIONS as readonly string[]).includes(key)) {
      if (!(key in expected)) {
        return `Ingress annotation "${key}" is not allowed: Knot sets the authentication of services`;
      }
      continue;
    }
    if (!allowedBy(key, config.ingress.allowedAnnotations)) {
      return `Ingress annotation "${key}" is not allowed on Knot services; allowed: ${config.ingress.allowedAnnotations.join(
        ', ',
      )}`;
    }
  }
  return undefined;
}
