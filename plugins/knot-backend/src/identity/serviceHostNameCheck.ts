import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  type ServicePrefixExposure,
  newProfileNameProblem,
} from '@knot-platform/plugin-knot-common';
import type { ServiceHostClaimsReader } from '../kubernetes/ServiceHostClaimsReader';

/** Why a new profile may not take a name, or undefined when it may. */
export type ProfileNameCheck = (name: string) => Promise<string | undefined>;

/**
 * The check of a new profile's name against the services that exist
 * (`newProfileNameProblem` in knot-common): no other profile's service
 * hostname may read as the new profile's.
 *
 * Should the cluster not answer, the name passes (with a warning): the
 * webhook and forward-auth still refuse an ambiguous hostname, so the
 * worst a missed check does is make such a service unreachable, and
 * sign-up should not depend on the cluster being up.
 */
export function serviceHostNameCheck(
  reader: ServiceHostClaimsReader,
  domain: string,
  logger: LoggerService,
  /** URL-prefix mode (then `domain` is the prefix host). */
  prefix?: ServicePrefixExposure,
): ProfileNameCheck {
  return async name => {
    try {
      return newProfileNameProblem(name, domain, await reader.claims(), prefix);
    } catch (error) {
      logger.warn(
        `Could not check the name '${name}' against the services' hostnames: ${error}`,
      );
      return undefined;
    }
  };
}
