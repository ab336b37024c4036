/**
 * The profile the user chose to act as (Account page), kept in the browser's
 * storage; KnotFetch sends it with every call as the `x-knot-profile` header.
 * Undefined means the signed-in user.
 */

const STORAGE_KEY = 'knot.profile';

function defaultStorage(): Storage | undefined {
  return typeof window !== 'undefined' ? window.localStorage : undefined;
}

export function readSelectedProfile(
  storage: Storage | undefined = defaultStorage(),
): string | undefined {
  return storage?.getItem(STORAGE_KEY) ?? undefined;
}

export function writeSelectedProfile(
  name: string | undefined,
  storage: Storage | undefined = defaultStorage(),
): void {
  if (name) {
    storage?.setItem(STORAGE_KEY, name);
  } else {
    storage?.removeItem(STORAGE_KEY);
  }
}
