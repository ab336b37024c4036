import { ResponseError, type ConsumedResponse } from '@backstage/errors';

/**
 * What to tell the user about a failed Knot call: knot-backend's own words
 * (its JSON error body), else what the status means; any other error's
 * message as it is.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError && !answeredJson(error.response)) {
    return statusMessage(error.statusCode);
  }
  const body = (error as { body?: { error?: { message?: string } } })?.body;
  return body?.error?.message ?? (error as Error)?.message ?? String(error);
}

function answeredJson(response: ConsumedResponse): boolean {
  return (
    response.headers.get('content-type')?.startsWith('application/json') ??
    false
  );
}

function statusMessage(status: number): string {
  if (status === 401) return 'Your session has expired: sign in again';
  // Only uploads send bodies large enough to be refused.
  if (status === 413) return 'The file is too large';
  if (status >= 500) return 'The portal failed to do this; try again later';
  return `The request was refused (${status})`;
}
