import type { AdmissionRequest } from './types';

/** Why a body is not an AdmissionReview we can answer: the HTTP 400 message. */
export class BadReviewError extends Error {}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the envelope of an AdmissionReview. Without a well-formed envelope
 * (and its uid) no AdmissionResponse can be given, so these become HTTP 400;
 * problems in the object itself become denials later.
 */
export function parseReview(body: unknown): AdmissionRequest {
  if (!isObject(body)) {
    throw new BadReviewError('expected an AdmissionReview JSON object');
  }
  if (
    body.apiVersion !== 'admission.k8s.io/v1' ||
    body.kind !== 'AdmissionReview'
  ) {
    throw new BadReviewError(
      'expected apiVersion admission.k8s.io/v1 and kind AdmissionReview',
    );
  }
  const request = body.request;
  if (!isObject(request)) {
    throw new BadReviewError('the AdmissionReview has no request');
  }
  if (typeof request.uid !== 'string' || request.uid === '') {
    throw new BadReviewError('request.uid must be a non-empty string');
  }
  const kind = request.kind;
  if (
    !isObject(kind) ||
    typeof kind.group !== 'string' ||
    typeof kind.version !== 'string' ||
    typeof kind.kind !== 'string'
  ) {
    throw new BadReviewError('request.kind must have group, version and kind');
  }
  if (typeof request.operation !== 'string') {
    throw new BadReviewError('request.operation must be a string');
  }
  if (
    request.namespace !== undefined &&
    typeof request.namespace !== 'string'
  ) {
    throw new BadReviewError('request.namespace must be a string');
  }
  return request as AdmissionRequest;
}
