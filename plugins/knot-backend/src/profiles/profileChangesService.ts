import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';

/** A user or team was added, changed or removed in Knot's user store. */
export interface ProfileChange {
  kind: string;
  profile: string;
}

/**
 * Tells other parts of the same backend (the catalog's Knot module) that a
 * profile changed, so they refresh at once instead of on their next poll.
 * In-process only: other replicas catch up on their schedule.
 */
export interface ProfileChangesService {
  notify(change: ProfileChange): void;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (change: ProfileChange) => void): () => void;
}

class InProcessProfileChanges implements ProfileChangesService {
  private readonly listeners = new Set<(change: ProfileChange) => void>();

  notify(change: ProfileChange): void {
    for (const listener of this.listeners) listener(change);
  }

  subscribe(listener: (change: ProfileChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Root scoped, so the knot plugin and the catalog module share one instance;
 * needs no registration in the backend.
 */
export const profileChangesServiceRef = createServiceRef<ProfileChangesService>(
  {
    id: 'knot.profile-changes',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {},
        factory: () => new InProcessProfileChanges(),
      }),
  },
);
