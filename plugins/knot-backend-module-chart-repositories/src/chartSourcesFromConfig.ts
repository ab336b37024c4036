import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { ChartSource } from '@knot-platform/plugin-knot-node';
import { HttpRepoChartSource } from './HttpRepoChartSource';
import { OciRegistryChartSource } from './oci/OciRegistryChartSource';
import {
  PerProfileChartSource,
  PROFILE_PLACEHOLDER,
} from './PerProfileChartSource';

/**
 * The chart sources of `knot.services.repositories`: `oci://` URLs are OCI
 * registries, others classic HTTP repositories; a URL with `{profile}` is
 * read once per active user and team.
 */
export function chartSourcesFromConfig(
  config: Config,
  logger: LoggerService,
): ChartSource[] {
  return (
    config.getOptionalConfigArray('knot.services.repositories') ?? []
  ).map(repo => {
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
            logger,
            missingOk,
          })
        : new HttpRepoChartSource(location, { maxVersions, logger, missingOk });
    return url.includes(PROFILE_PLACEHOLDER)
      ? new PerProfileChartSource(url, u => make(u, true), logger)
      : make(url, false);
  });
}
