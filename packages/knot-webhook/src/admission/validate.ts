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
import { checkIngressHosts } from '../validation/ingressHosts';
import { requestNamespace } from './mutate';
import {
  type AdmissionRequest,
  type AdmissionResponse,
  allow,
  deny,
  denyMalformed,
} from './types';

/**
 * Answers /validate: hostPath volumes only inside the allowlist, ingress
 * hosts only under the namespace owner's `<name>-<user>.<domain>`.
 */
export function validate(
  request: AdmissionRequest,
  config: WebhookConfig,
): AdmissionResponse {
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
      const user = namespaceProfile(
        requestNamespace(request),
        config.namespacePrefix,
      );
      if (user)
        message = checkIngressHosts(object, user, config.ingress.domain);
    }
    return message ? deny(uid, message) : allow(uid);
  } catch (error) {
    if (error instanceof MalformedObjectError) {
      return denyMalformed(uid, kind.kind, error);
    }
    throw error;
  }
}
