import type { Config } from '@backstage/config';
import type { ChartSource } from './ChartSource';
import type { ChartProfiles } from './ChartProfiles';
import type { Helm } from './Helm';
import { HttpRepoChartSource } from './HttpRepoChartSource';
import { OciRegistryChartSource } from './oci/OciRegistryChartSource';
import {
  PerProfileChartSource,
  PROFILE_PLACEHOLDER,
} from './PerProfileChartSource';

/**
 * The chart sources of `knot.services.repositories`: `oci://` URLs are OCI
 * registries, others classic HTTP repositories; a URL with `{profile}` is
 * read once per active user and team (needs `profiles`).
 */
export function chartSourcesFromConfig(
  config: Config,
  helm: Helm,
  warn: (message: string) => void,
  profiles?: ChartProfiles,
): ChartSource[] {
  const sources: ChartSource[] = [];
  for (const repo of config.getOptionalConfigArray(
    'knot.services.repositories',
  ) ?? []) {
    const url = repo.getString('url');
    const maxVersions = repo.getOptionalNumber('maxVersions');
    const make = (location: string, missingOk: boolean): ChartSource =>
      location.startsWith('oci://')
        ? new OciRegistryChartSource(location, {
            credentials: {
              username: repo.getOptionalString('username'),
              password: repo.getOptionalString('password'),
              token: repo.getOptionalString('token'),
            },
            plainHttp: repo.getOptionalBoolean('plainHttp'),
            maxVersions,
            warn,
            missingOk,
          })
        : new HttpRepoChartSource(location, helm, {
            maxVersions,
            warn,
            missingOk,
          });
    if (!url.includes(PROFILE_PLACEHOLDER)) {
      sources.push(make(url, false));
    } else if (profiles) {
      sources.push(
        new PerProfileChartSource(url, profiles, u => make(u, true), warn),
      );
    } else {
      warn(`Per-profile charts ${url}: no profile list here; not offered`);
    }
  }
  return sources;
}
