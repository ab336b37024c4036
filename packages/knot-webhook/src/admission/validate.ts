import type { WebhookConfig } from '../config';
import { namespaceProfile } from '@knot-platform/plugin-knot-common';
import {
  MalformedObjectError,
  hasPodTemplate,
  isIngress,
  isObject,
  podTemplateOf,
} from '../mutation/podTemplates';
import { checkHostPaths } from '../validation/hostPaths';
import type { HostClaimsSource } from '../hostClaims/HostClaimsSource';
import { checkIngressHosts } from '../validation/ingressHosts';
import { checkIngressPrefixes } from '../validation/ingressPrefixes';
import { checkIngressShape } from '../validation/ingressShape';
import { requestNamespace } from './mutate';
import {
  type AdmissionRequest,
  type AdmissionResponse,
  allow,
  deny,
  denyMalformed,
} from './types';

/**
 * Answers /validate: hostPath volumes only inside the allowlist; a profile's
 * Ingresses only with hosts that belong to that profile alone (hostname rule
 * of knot-common, against the cluster's claims; in URL-prefix mode only
 * paths under the profile's own prefixes), no default backend, no
 * other IngressClass and only allowed annotations.
 */
export async function validate(
  request: AdmissionRequest,
  config: WebhookConfig,
  hostClaims: HostClaimsSource,
): Promise<AdmissionResponse> {
  const { uid, kind } = request;
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') {
    return allow(uid);
  }
  const pods = hasPodTemplate(kind);
  const ingress = isIngress(kind);
  if (!pods && !ingress) {
    return allow(uid);
  }
  const object = request.object;
  if (!isObject(object)) {
    return deny(uid, `request.object must be a ${kind.kind} object`, 400);
  }
  try {
    let message: string | undefined;
    if (pods) {
      message = checkHostPaths(
        podTemplateOf(kind, object).spec,
        config.hostPathAllowlist,
      );
    } else {
      const namespace = requestNamespace(request);
      const user = namespaceProfile(namespace, config.namespacePrefix);
      if (user && namespace) {
        const { prefix } = config.ingress;
        message =
          checkIngressShape(object, config) ??
          (prefix
            ? checkIngressPrefixes(
                object,
                user,
                namespace,
                prefix,
                await hostClaims.claims(prefix),
              )
            : checkIngressHosts(
                object,
                user,
                namespace,
                config.ingress.domain,
                await hostClaims.claims(),
              ));
      }
    }
    return message ? deny(uid, message) : allow(uid);
  } catch (error) {
    if (error instanceof MalformedObjectError) {
      return denyMalformed(uid, kind.kind, error);
    }
    throw error;
  }
}
