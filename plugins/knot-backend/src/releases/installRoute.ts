import { InputError, serializeError } from '@backstage/errors';
import type {
  ActingProfile,
  AuditResult,
  KnotServiceInstallEvent,
  KnotServiceInstallRequest,
} from '@knot-platform/plugin-knot-common';
import type { Response } from 'express';
import type { ServiceInstaller } from './ServiceInstaller';

/** The install request of a body, or a 400 saying what is wrong with it. */
export function installRequest(body: unknown): KnotServiceInstallRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (field: string, required: boolean) => {
    const value = b[field];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || !value) {
      throw new InputError(`'${field}' must be a non-empty string`);
    }
    return value;
  };
  const values = b.values;
  if (
    values !== undefined &&
    (!values || typeof values !== 'object' || Array.isArray(values))
  ) {
    throw new InputError("'values' must be an object");
  }
  return {
    chart: text('chart', true)!,
    name: text('name', true)!,
    version: text('version', false),
    chartProfile: text('chartProfile', false),
    values: values as Record<string, unknown> | undefined,
  };
}

/**
 * Runs an install and answers NDJSON (`KnotServiceInstallEvent` lines):
 * helm's progress as it comes, then the result. A refusal before the first
 * line (bad input, unknown chart, a second singleton) is an ordinary error
 * answer with its status; one after it ends the stream as an error line.
 */
export async function sendInstall(
  res: Response,
  installer: ServiceInstaller,
  profile: ActingProfile,
  body: unknown,
  /** Told how the install ended before the answer ends (the audit log). */
  onOutcome: (result: AuditResult) => Promise<void> = async () => {},
): Promise<void> {
  let request: KnotServiceInstallRequest;
  try {
    request = installRequest(body);
  } catch (error) {
    await onOutcome('failure');
    throw error;
  }
  const send = (event: KnotServiceInstallEvent) => {
    if (!res.headersSent) {
      res.status(200).type('application/x-ndjson');
      res.setHeader('Cache-Control', 'no-store');
    }
    res.write(`${JSON.stringify(event)}\n`);
    // Past a compression middleware, lines go out as they come.
    (res as Response & { flush?: () => void }).flush?.();
  };
  try {
    const result = await installer.install({
      ...request,
      profile,
      onLine: message => send({ type: 'log', message }),
    });
    await onOutcome('success');
    send({ type: 'result', result });
  } catch (error) {
    await onOutcome('failure');
    if (!res.headersSent) throw error;
    send({ type: 'error', error: serializeError(error as Error) });
  }
  res.end();
}
