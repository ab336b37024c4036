import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { ProfileAccessAnswer } from '../service/profileAccessRouter';
import type { ActingProfiles, ProfileAccess } from './ProfileAccess';

const OWNER_CACHE_MS = 30_000;
// The permission policy asks on every catalog request of a user; a team
// joined or left shows within this time.
const ACTING_CACHE_MS = 10_000;

/**
 * ProfileAccess for plugins other than knot (scaffolder, catalog): asks the
 * knot plugin, which owns the user store, with service credentials — each
 * plugin has its own database.
 */
export class HttpProfileAccess implements ProfileAccess {
  // The catalog asks for the owner of every release on each refresh.
  private readonly owners = new Map<string, { at: number; ref: string }>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  private readonly acting = new Map<
    string,
    { at: number; answer: Promise<ActingProfiles> }
  >();

  private async get<T>(path: string, userRef?: string): Promise<T> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'knot',
    });
    const query = userRef ? `?user=${encodeURIComponent(userRef)}` : '';
    const response = await fetch(
      `${await this.discovery.getBaseUrl('knot')}${path}${query}`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }

  private async ask(
    profile: string,
    userRef?: string,
  ): Promise<ProfileAccessAnswer> {
    const answer = await this.get<ProfileAccessAnswer>(
      `/profile-access/${encodeURIComponent(profile)}`,
      userRef,
    );
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
    // Shared by the concurrent requests of a page; a failure is not kept.
    const answer = this.get<ActingProfiles>('/acting-profiles', userRef);
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
