import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';

/** An HTTP error the Backstage error handler answers with its own status. */
export class HttpStatusError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/**
 * Turns a filesystem error into an error with a message users understand.
 * `shown` is the path as the user sees it (`/private/a/b`): never a path of
 * the backend's filesystem, which would reveal other profiles' names.
 */
export function fsError(error: unknown, shown: string): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return new NotFoundError(`${shown} does not exist`);
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new ConflictError(`${shown} already exists`);
    case 'ENOTDIR':
      return new InputError(`A part of ${shown} is not a folder`);
    case 'EISDIR':
      return new InputError(`${shown} is a folder`);
    case 'EINVAL':
      return new InputError(`${shown}: a folder cannot be moved into itself`);
    case 'ELOOP':
      return new InputError(`${shown} is a symbolic link loop`);
    case 'EACCES':
    case 'EPERM':
      return new NotAllowedError(`The backend may not access ${shown}`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new HttpStatusError(507, 'The storage is full');
    case 'ENAMETOOLONG':
      return new InputError(`${shown} is too long`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}
