import path from 'node:path';
import {
  MANAGED_BY_KNOT,
  MANAGED_BY_LABEL,
  PRIVATE_STORAGE_RESOURCE,
  USERNAME_PATTERN,
  parseQuotaQuantity,
  profileNamespace,
  type ProfileQuota,
  type QuotaResourceUsage,
} from '@knot-platform/plugin-knot-common';
import { diskUsage } from '../files/diskUsage';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  errorMessage,
  type KubeObjects,
  type LiveObject,
} from '../provisioning/KubeObjects';
import type { ProvisioningConfig } from '../provisioning/config';
import { KNOT_QUOTA } from '../provisioning/manifests';
import { effectiveQuota } from './effectiveQuota';
import type { QuotaOverrideStore } from './QuotaOverrideStore';
import { quotaResources } from './quotaResources';

/** How long a measured private folder size is reused (the bars poll). */
const DISK_USAGE_TTL_MS = 15_000;

type QuotaConfig = Pick<
  ProvisioningConfig,
  'quota' | 'profiles' | 'namespacePrefix' | 'extendedResources'
>;

/**
 * Each profile's quota as people see it: per resource the limit in force
 * (default ← profile config ← admin override) and what is used of it, from
 * the namespace's ResourceQuota status; the private folder's storage
 * measured on disk against its limit (`knot.storage.privateQuotaMiB` or the
 * override), which is also the limit the file API's uploads are held to.
 */
export class ProfileQuotas {
  private readonly measured = new Map<string, { bytes: number; at: number }>();

  constructor(
    private readonly options: {
      kube: Pick<KubeObjects, 'list'>;
      overrides: Pick<QuotaOverrideStore, 'get' | 'listAll'>;
      config: QuotaConfig;
      /** The files' private folders (`knot.storage.privateDir`). */
      privateDir?: string;
      /** `knot.storage.privateQuotaMiB` in bytes. */
      privateQuotaBytes?: number;
    },
  ) {}

  /** The resources an admin may override. */
  resources(): string[] {
    return quotaResources({
      extendedResources: this.options.config.extendedResources,
      defaults: this.options.config.quota,
    });
  }

  /** The private folder's limit in bytes for uploads; undefined: none. */
  async privateStorageBytes(profile: string): Promise<number | undefined> {
    const override = (await this.options.overrides.get(profile))[
      PRIVATE_STORAGE_RESOURCE
    ];
    return this.storageLimit(override);
  }

  /** One profile's quota and usage. */
  async quotaOf(profile: string, isTeam: boolean): Promise<ProfileQuota> {
    const namespace = profileNamespace(
      profile,
      this.options.config.namespacePrefix,
    );
    const [overrides, quotas] = await Promise.all([
      this.options.overrides.get(profile),
      this.listQuotas(namespace),
    ]);
    return this.describe(profile, isTeam, overrides, quotas.get(namespace));
  }

  /** Every listed profile's quota and usage (admins). */
  async quotasOf(
    profiles: Array<{ name: string; isTeam: boolean }>,
  ): Promise<ProfileQuota[]> {
    const [overrides, quotas] = await Promise.all([
      this.options.overrides.listAll(),
      this.listQuotas(),
    ]);
    const prefix = this.options.config.namespacePrefix;
    return Promise.all(
      profiles.map(p =>
        this.describe(
          p.name,
          p.isTeam,
          overrides.get(p.name) ?? {},
          quotas.get(profileNamespace(p.name, prefix)),
        ),
      ),
    );
  }

  private async describe(
    profile: string,
    isTeam: boolean,
    overrides: Record<string, string>,
    live: LiveObject | undefined,
  ): Promise<ProfileQuota> {
    const { config, privateQuotaBytes } = this.options;
    const limits = effectiveQuota({
      defaults: {
        ...config.quota,
        ...(privateQuotaBytes === undefined
          ? {}
          : { [PRIVATE_STORAGE_RESOURCE]: String(privateQuotaBytes) }),
      },
      profile: config.profiles.find(p => p.name === profile)?.quota,
      overrides,
    });
    const used: Record<string, string> = live?.status?.used ?? {};
    const resources: QuotaResourceUsage[] = [];
    for (const resource of this.resources()) {
      const limit = limits[resource];
      if (resource === PRIVATE_STORAGE_RESOURCE) {
        const bytes = await this.folderBytes(profile);
        resources.push({
          resource,
          used: String(bytes ?? 0),
          ...(limit && { limit: limit.quantity, source: limit.source }),
        });
      } else if (limit) {
        resources.push({
          resource,
          used: used[resource] ?? '0',
          limit: limit.quantity,
          source: limit.source,
        });
      }
    }
    return { profile, isTeam, resources, overrides };
  }

  private storageLimit(override: string | undefined): number | undefined {
    if (override === undefined) return this.options.privateQuotaBytes;
    // Stored only after checkQuotaOverrides accepted it.
    const bytes = parseQuotaQuantity(override);
    return bytes === undefined
      ? this.options.privateQuotaBytes
      : Math.floor(bytes);
  }

  /** Knot's ResourceQuotas by namespace (one namespace or all). */
  private async listQuotas(namespace?: string) {
    const items = await this.options.kube
      .list(
        'v1',
        'ResourceQuota',
        `${MANAGED_BY_LABEL}=${MANAGED_BY_KNOT}`,
        namespace,
      )
      .catch(error => {
        throw new ServiceUnavailableError(
          `The quota's usage cannot be read from Kubernetes now: ${errorMessage(
            error,
          )}`,
        );
      });
    return new Map(
      items
        .filter(q => q.metadata?.name === KNOT_QUOTA)
        .map(q => [q.metadata!.namespace!, q]),
    );
  }

  /** The private folder's bytes, measured at most every 15 s. */
  private async folderBytes(profile: string): Promise<number | undefined> {
    const { privateDir } = this.options;
    if (!privateDir || !USERNAME_PATTERN.test(profile)) return undefined;
    const cached = this.measured.get(profile);
    if (cached && Date.now() - cached.at < DISK_USAGE_TTL_MS) {
      return cached.bytes;
    }
    const bytes = await diskUsage(path.join(privateDir, profile));
    this.measured.set(profile, { bytes, at: Date.now() });
    return bytes;
  }
}
