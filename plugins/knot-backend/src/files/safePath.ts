import { InputError } from '@backstage/errors';

/** Longest accepted path and name, as common filesystems allow. */
const MAX_PATH_LENGTH = 4096;
const MAX_NAME_BYTES = 255;

/** Files being uploaded are written under this prefix and never listed. */
export const UPLOAD_TEMP_PREFIX = '.knot-upload-';

/**
 * Splits a domain-relative path as clients send it into checked names.
 * `''` and `'/'`-free paths only: absolute paths, `.`/`..`, backslashes,
 * NUL and control characters are refused here — also when they only appear
 * after further percent-decoding or Unicode compatibility folding, so that no
 * layer (proxy, filesystem, container tool) can later turn a name into an
 * escape. Symlinks are checked separately against the real filesystem.
 */
export function parseRelativePath(raw: unknown): string[] {
  if (raw === undefined || raw === '') {
    return [];
  }
  if (typeof raw !== 'string') {
    throw new InputError('The path must be given once, as text');
  }
  if (raw.length > MAX_PATH_LENGTH) {
    throw new InputError('The path is too long');
  }
  if (raw.startsWith('/')) {
    throw new InputError(
      'The path must be relative to the folder root (no leading /)',
    );
  }
  const trimmed = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  const names = trimmed.split('/');
  for (const name of names) {
    checkName(name);
  }
  return names;
}

/** Checks one file or folder name (no separators). */
export function checkName(name: string): void {
  if (name === '') {
    throw new InputError('The path has an empty folder name (//)');
  }
  for (const form of decodedForms(name)) {
    if (form === '.' || form === '..') {
      throw new InputError(`'.' and '..' are not allowed in paths`);
    }
    if (form.includes('/') || form.includes('\\')) {
      throw new InputError('Names may not contain / or \\');
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(form)) {
      throw new InputError('Names may not contain control characters');
    }
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) {
    throw new InputError('A name is longer than 255 bytes');
  }
  if (name.startsWith(UPLOAD_TEMP_PREFIX)) {
    throw new InputError(`Names may not start with ${UPLOAD_TEMP_PREFIX}`);
  }
}

/**
 * The name itself, its repeated percent-decodings and their Unicode
 * compatibility foldings (fullwidth dots and slashes fold to `.` and `/`).
 */
function decodedForms(name: string): string[] {
  const forms = new Set<string>();
  let current = name;
  for (let i = 0; i < 4; i++) {
    forms.add(current);
    forms.add(current.normalize('NFKC'));
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      // `50% off` is a literal name; `%c0%ae` (overlong UTF-8) is an attack.
      if (/%[0-9a-f]{2}/i.test(current)) {
        throw new InputError('Names may not contain invalid percent-encoding');
      }
      break;
    }
    if (next === current) {
      break;
    }
    current = next;
  }
  return [...forms];
}

/** Whether `child` is `root` or lies below it (both absolute and real). */
export function isWithin(root: string, child: string): boolean {
  return (
    child === root || child.startsWith(root.endsWith('/') ? root : `${root}/`)
  );
}
