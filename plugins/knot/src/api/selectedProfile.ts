/**
 * The profile the user chose to act as (Account page), kept in the browser's
 * storage and sent to knot-backend with every call as {@link PROFILE_HEADER}.
 * Undefined means the signed-in user.
 */

import { PROFILE_HEADER } from '@knot-platform/plugin-knot-common';

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

/** The header to add to a Knot call, if a profile is selected. */
export function profileHeaders(storage?: Storage): Record<string, string> {
  const profile = readSelectedProfile(storage);
  return profile ? { [PROFILE_HEADER]: profile } : {};
}
