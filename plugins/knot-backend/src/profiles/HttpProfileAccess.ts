import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { ProfileAccessAnswer } from '../service/profileAccessRouter';
import type { ProfileAccess } from './ProfileAccess';

const OWNER_CACHE_MS = 30_000;

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

  private async ask(
    profile: string,
    userRef?: string,
  ): Promise<ProfileAccessAnswer> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'knot',
    });
    const query = userRef ? `?user=${encodeURIComponent(userRef)}` : '';
    const response = await fetch(
      `${await this.discovery.getBaseUrl(
        'knot',
      )}/profile-access/${encodeURIComponent(profile)}${query}`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const answer = (await response.json()) as ProfileAccessAnswer;
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
}
