import type { Knex } from 'knex';

/** A step run in the change's transaction (its audit entry). */
type InTransaction = (tx: Knex.Transaction) => Promise<void>;

const OVERRIDES = 'knot_quota_overrides';

interface OverrideRow {
  profile: string;
  resource: string;
  quantity: string;
}

/**
 * Admins' quota overrides per profile (user or team), in the plugin's
 * database (migration 20261205000000_quota_overrides). Validation is the
 * caller's (quotaResources.ts): this only stores.
 */
export class QuotaOverrideStore {
  constructor(private readonly knex: Knex) {}

  /** One profile's overrides (resource → quantity); empty when none. */
  async get(profile: string): Promise<Record<string, string>> {
    const rows = await this.knex<OverrideRow>(OVERRIDES)
      .where({ profile })
      .select('resource', 'quantity');
    return Object.fromEntries(rows.map(r => [r.resource, r.quantity]));
  }

  /** Every profile's overrides, by profile. */
  async listAll(): Promise<Map<string, Record<string, string>>> {
    const rows = await this.knex<OverrideRow>(OVERRIDES).select(
      'profile',
      'resource',
      'quantity',
    );
    const byProfile = new Map<string, Record<string, string>>();
    for (const row of rows) {
      byProfile.set(row.profile, {
        ...byProfile.get(row.profile),
        [row.resource]: row.quantity,
      });
    }
    return byProfile;
  }

  /**
   * Replaces all of a profile's overrides (empty: clears them), at once;
   * `alongside` runs in the same transaction.
   */
  async replace(
    profile: string,
    quota: Record<string, string>,
    updatedBy: string,
    alongside?: InTransaction,
  ): Promise<void> {
    const now = new Date();
    await this.knex.transaction(async tx => {
      await tx(OVERRIDES).where({ profile }).delete();
      const rows = Object.entries(quota).map(([resource, quantity]) => ({
        profile,
        resource,
        quantity,
        updated_by: updatedBy,
        updated_at: now,
      }));
      if (rows.length > 0) await tx(OVERRIDES).insert(rows);
      await alongside?.(tx);
    });
  }
}
