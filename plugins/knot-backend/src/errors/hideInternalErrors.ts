import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ErrorRequestHandler } from 'express';

/** The status Backstage's error handler answers an error with. */
function statusOf(error: any): number {
  for (const field of ['statusCode', 'status']) {
    const value = error?.[field];
    if (Number.isInteger(value) && value >= 100 && value <= 599) return value;
  }
  return (
    (
      {
        NotModifiedError: 304,
        InputError: 400,
        AuthenticationError: 401,
        NotAllowedError: 403,
        NotFoundError: 404,
        ConflictError: 409,
        NotImplementedError: 501,
        ServiceUnavailableError: 503,
      } as Record<string, number>
    )[error?.name] ?? 500
  );
}

/** An error carrying only a name, a message and its status: nothing else is serialised. */
function bare(name: string, message: string, statusCode: number): Error {
  const error = new Error(message);
  error.name = name;
  delete error.stack;
  return Object.assign(error, { statusCode });
}

/**
 * The knot plugin's last error middleware, before Backstage's own handler
 * (which drops stacks outside development but serialises every other
 * property and the cause: a filesystem error's `path`, helm's `stderr`, an
 * API server URL). Outside development, a 500 reaches the client as a
 * generic message with an id to find the error in the backend's log, and
 * other errors (messages written for users) as their name and message only.
 */
export function hideInternalErrors(
  logger: LoggerService,
  development = process.env.NODE_ENV === 'development',
): ErrorRequestHandler {
  return (error, _req, _res, next) => {
    if (development) {
      next(error);
      return;
    }
    const status = statusOf(error);
    if (status !== 500) {
      next(
        bare(String(error?.name ?? 'Error'), String(error?.message), status),
      );
      return;
    }
    const logId = randomBytes(8).toString('hex');
    logger.error(`Internal error logId=${logId}`, error);
    next(
      bare(
        'Error',
        `An internal error occurred (log id ${logId}); an administrator can find the details in the backend's log`,
        500,
      ),
    );
  };
}
