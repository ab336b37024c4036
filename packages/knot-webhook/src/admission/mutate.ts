import { compare } from 'fast-json-patch';
import { NO_DATASETS_LABEL } from '@knot-platform/plugin-knot-common';
import type { WebhookConfig } from '../config';
import type { DatasetLister } from '../datasets/DatasetLister';
import { injectAuthAnnotations, optedOut } from '../mutation/ingressAuth';
import { moveRulesToPrefix } from '../mutation/ingressPrefix';
import { namespaceProfile } from '@knot-platform/plugin-knot-common';
import { InjectionCache } from '../mutation/injection';
import { injectIntoPodSpec } from '../mutation/podSpec';
import {
  MalformedObjectError,
  copyAlongPodSpec,
  hasPodTemplate,
  isIngress,
  isObject,
  podTemplateOf,
} from '../mutation/podTemplates';
import {
  type AdmissionRequest,
  type AdmissionResponse,
  allow,
  deny,
  denyMalformed,
} from './types';

export interface MutateDeps {
  config: WebhookConfig;
  datasets: DatasetLister;
}

const injections = new InjectionCache();

/** The namespace of the request, from the request or else the object. */
export function requestNamespace(
  request: AdmissionRequest,
): string | undefined {
  if (request.namespace) return request.namespace;
  const object = request.object;
  const ns =
    isObject(object) && isObject(object.metadata)
      ? object.metadata.namespace
      : undefined;
  return typeof ns === 'string' ? ns : undefined;
}

/**
 * Answers /mutate: Knot's storage, datasets and KNOT_* variables into pod
 * specs, SSO annotations onto ingresses (public ones, labelled
 * `knot-no-auth`, get forward-auth's public endpoint, which strips Knot's
 * credentials); in URL-prefix mode a profile's subdomain rules move to its
 * prefixes. The patch is the difference between
 * the object and its mutated copy (fast-json-patch), so an object that has
 * everything already gets no patch.
 */
export async function mutate(
  request: AdmissionRequest,
  { config, datasets }: MutateDeps,
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
  const namespace = requestNamespace(request);
  const user = namespaceProfile(namespace, config.namespacePrefix);
  if (!user || !namespace) {
    // Not a profile namespace: never touched.
    return allow(uid);
  }
  const object = request.object;
  if (!isObject(object)) {
    return deny(uid, `request.object must be a ${kind.kind} object`, 400);
  }

  let mutated: Record<string, any>;
  try {
    if (ingress) {
      // Only metadata is written to (annotations are replaced as a whole),
      // and in URL-prefix mode the rules (copied).
      const { prefix } = config.ingress;
      mutated = {
        ...object,
        metadata: isObject(object.metadata)
          ? { ...object.metadata }
          : object.metadata,
        ...(prefix &&
          isObject(object.spec) && {
            spec: structuredClone(object.spec),
          }),
      };
      injectAuthAnnotations(mutated, config.auth, config.ingress.controller);
      if (prefix) {
        moveRulesToPrefix(mutated, user, config.ingress.domain, prefix);
      }
    } else {
      mutated = copyAlongPodSpec(kind, object);
      const template = podTemplateOf(kind, mutated);
      const names = optedOut(template.labels, NO_DATASETS_LABEL)
        ? []
        : await datasets.list(namespace);
      injectIntoPodSpec(
        template.spec,
        injections.get(config, user, namespace, names),
      );
    }
  } catch (error) {
    if (error instanceof MalformedObjectError) {
      return denyMalformed(uid, kind.kind, error);
    }
    throw error;
  }

  const patch = compare(object, mutated);
  if (patch.length === 0) {
    return allow(uid);
  }
  return {
    uid,
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
  };
}
