import type {
  ActingProfiles,
  ProfileAccessAnswer,
} from '@knot-platform/plugin-knot-common';
import type { KnotService } from '../client/KnotService';
import type { ProfileAccess } from './ProfileAccess';

const OWNER_CACHE_MS = 30_000;
// The permission policy asks on every request of a user (it also refuses
// everything to a deactivated one); a team joined or left and a
// deactivation show within this time.
const ACTING_CACHE_MS = 2_000;

/**
 * ProfileAccess for plugins other than knot: asks the knot plugin, which
 * owns the user store, through its client. Owners are kept 30 s (the
 * catalog asks for many at once); acting profiles 2 s, one request shared
 * by the concurrent requests of a page, a failure never kept.
 */
export class KnotProfileAccess implements ProfileAccess {
  private readonly owners = new Map<string, { at: number; ref: string }>();
  private readonly acting = new Map<
    string,
    { at: number; answer: Promise<ActingProfiles> }
  >();

  constructor(private readonly knot: KnotService) {}

  private async ask(
    profile: string,
    userRef?: string,
  ): Promise<ProfileAccessAnswer> {
    const answer = await this.knot.profileAccess(profile, userRef);
    this.owners.set(profile, { at: Date.now(), ref: answer.ownerRef });
    return answer;
  }

  /** Why the user may not act as the profile; undefined if it may. */
  async refusal(userRef: string, profile: string): Promise<string | undefined> {
    const answer = await this.ask(profile, userRef);
    return answer.allowed
      ? undefined
      : answer.reason ?? `You may not act as profile '${profile}'`;
  }

  async canActAs(userRef: string, profile: string): Promise<boolean> {
    return (await this.refusal(userRef, profile)) === undefined;
  }

  async ownerRef(profile: string): Promise<string> {
    const cached = this.owners.get(profile);
    if (cached && Date.now() - cached.at < OWNER_CACHE_MS) return cached.ref;
    return (await this.ask(profile)).ownerRef;
  }

  async actingProfiles(userRef: string): Promise<ActingProfiles> {
    const cached = this.acting.get(userRef);
    if (cached && Date.now() - cached.at < ACTING_CACHE_MS) {
      return cached.answer;
    }
    const answer = this.knot.actingProfiles(userRef);
    this.acting.set(userRef, { at: Date.now(), answer });
    answer.catch(() => {
      if (this.acting.get(userRef)?.answer === answer) {
        this.acting.delete(userRef);
      }
    });
    if (this.acting.size > 1000) this.acting.clear();
    return answer;
  }
}
