/** The parts of `admission.k8s.io/v1` AdmissionReview the webhook reads. */
export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource?: { group: string; version: string; resource: string };
  subResource?: string;
  namespace?: string;
  operation: string;
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
}

/** What the webhook answers, inside an AdmissionReview. */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  patchType?: 'JSONPatch';
  /** Base64 of the JSON Patch. */
  patch?: string;
  warnings?: string[];
}

export interface AdmissionReviewResponse {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

export function allow(uid: string): AdmissionResponse {
  return { uid, allowed: true };
}

function reasonOf(code: number): string {
  if (code === 400) return 'BadRequest';
  if (code >= 500) return 'InternalError';
  return 'Forbidden';
}

/** A refusal the API server shows the user; `code` is the HTTP status it uses. */
export function deny(
  uid: string,
  message: string,
  code = 403,
): AdmissionResponse {
  return {
    uid,
    allowed: false,
    status: { code, message, reason: reasonOf(code) },
  };
}

/**
 * The 400 denial of an object the webhook cannot read (`MalformedObjectError`
 * from `mutation/podTemplates`), worded the same by /mutate and /validate.
 */
export function denyMalformed(
  uid: string,
  kind: string,
  error: Error,
): AdmissionResponse {
  return deny(
    uid,
    `${kind} rejected by the Knot webhook: ${error.message}`,
    400,
  );
}
