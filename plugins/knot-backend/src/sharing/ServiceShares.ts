import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  USERNAME_PATTERN,
  type KnotServiceShare,
} from '@knot-platform/plugin-knot-common';
import type { Knex } from 'knex';
import type { InTransaction, UserStore } from '../identity/UserStore';

const SHARES = 'knot_service_shares';
const USERS = 'knot_users';
const MEMBERS = 'knot_team_members';

interface ShareRow {
  owner: string;
  service: string;
  grantee: string;
  created_by: string;
  created_at: Date | string | number;
  expires_at: Date | string | number | null;
}

/** A share as forward-auth weighs it. */
export interface ShareGrant {
  owner: string;
  service: string;
  grantee: string;
  granteeIsTeam: boolean;
  createdBy: string;
  expiresAt?: Date;
}

// SQLite returns timestamps as epoch milliseconds, PostgreSQL as Dates.
const toDate = (value: Date | string | number) => new Date(value);

const isLive = (row: Pick<ShareRow, 'expires_at'>, now: Date) =>
  row.expires_at === null || toDate(row.expires_at) > now;

/** What an expiry from the user may be: a date and time to come, or none. */
function checkExpiry(value: unknown, now: Date): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new InputError(
      'expiresAt must be a date and time, e.g. 2026-12-31T18:00:00Z',
    );
  }
  if (date <= now) {
    throw new InputError(
      `The expiry ${date.toISOString()} has already passed: choose a later time`,
    );
  }
  return date;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '23505' || /UNIQUE constraint/i.test(e?.message ?? '');
}

/**
 * Shares of profiles' services (Helm releases) with users and teams, in
 * Knot's database. Who may share is the caller's check (the acting profile,
 * for writing); the store checks what is shared with whom.
 */
export class ServiceShares {
  constructor(
    private readonly knex: Knex,
    private readonly store: Pick<UserStore, 'getUser'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The service's shares, expired ones included (the owner sees them end). */
  async list(owner: string, service: string): Promise<KnotServiceShare[]> {
    const rows = await this.knex<ShareRow>(SHARES)
      .where({ owner, service })
      .orderBy('grantee');
    const teams = new Set<string>(
      rows.length
        ? await this.knex(USERS)
            .whereIn(
              'username',
              rows.map(r => r.grantee),
            )
            .andWhere({ is_team: true })
            .pluck('username')
        : [],
    );
    return rows.map(row => ({
      service: row.service,
      grantee: row.grantee,
      granteeKind: teams.has(row.grantee) ? 'team' : 'user',
      createdBy: row.created_by,
      createdAt: toDate(row.created_at).toISOString(),
      expiresAt: row.expires_at
        ? toDate(row.expires_at).toISOString()
        : undefined,
    }));
  }

  /**
   * Shares `service` of `owner` with an active user or team: 400 for anyone
   * else or an expiry already past, 409 when it is shared with them already.
   */
  /**
   * The grantee and expiry of a share request as the store takes them: 400
   * for anyone but another active user or team, or an expiry not to come.
   * Asked before anything else (the service's existence needs the cluster).
   */
  async checkRequest(
    owner: string,
    grantee: unknown,
    expiresAt: unknown,
  ): Promise<{ grantee: string; isTeam: boolean; expiresAt?: Date }> {
    if (typeof grantee !== 'string' || !grantee) {
      throw new InputError(
        'grantee is required: the user or team to share with',
      );
    }
    const account = USERNAME_PATTERN.test(grantee)
      ? await this.store.getUser(grantee)
      : undefined;
    if (!account?.active) {
      throw new InputError(
        `There is no active user or team named '${grantee.slice(0, 64)}'`,
      );
    }
    if (grantee === owner) {
      throw new InputError(`'${grantee}' owns this service already`);
    }
    return {
      grantee,
      isTeam: Boolean(account.team),
      expiresAt: checkExpiry(expiresAt, this.now()),
    };
  }

  /**
   * Shares `service` of `owner` with an active user or team: 400 for anyone
   * else or an expiry already past, 409 when it is shared with them already.
   */
  async add(
    input: {
      owner: string;
      service: string;
      grantee: unknown;
      createdBy: string;
      expiresAt?: unknown;
    },
    also?: InTransaction,
  ): Promise<KnotServiceShare> {
    const { owner, service, createdBy } = input;
    const { grantee, isTeam, expiresAt } = await this.checkRequest(
      owner,
      input.grantee,
      input.expiresAt,
    );
    const now = this.now();
    const existing = await this.knex<ShareRow>(SHARES)
      .where({ owner, service, grantee })
      .first();
    if (existing) {
      throw new ConflictError(
        `${service} is already shared with '${grantee}': revoke that share to change it`,
      );
    }
    const row: ShareRow = {
      owner,
      service,
      grantee,
      created_by: createdBy,
      created_at: now,
      expires_at: expiresAt ?? null,
    };
    try {
      await this.knex.transaction(async tx => {
        await tx(SHARES).insert(row);
        await also?.(tx);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `${service} is already shared with '${grantee}'`,
        );
      }
      throw error;
    }
    return {
      service,
      grantee,
      granteeKind: isTeam ? 'team' : 'user',
      createdBy,
      createdAt: now.toISOString(),
      expiresAt: expiresAt?.toISOString(),
    };
  }

  async revoke(
    owner: string,
    service: string,
    grantee: string,
    also?: InTransaction,
  ) {
    await this.knex.transaction(async tx => {
      const count = await tx(SHARES)
        .where({ owner, service, grantee })
        .delete();
      if (count === 0) {
        throw new NotFoundError(`${service} is not shared with '${grantee}'`);
      }
      await also?.(tx);
    });
  }

  /** Ends every share of a service (it was deleted). */
  async revokeAll(owner: string, service: string): Promise<void> {
    await this.knex(SHARES).where({ owner, service }).delete();
  }

  /**
   * The unexpired shares that name `username` or a team it is a member of
   * (now, not when shared): of one service, or of every service.
   */
  async grantsFor(
    username: string,
    service?: { owner: string; service: string },
  ): Promise<ShareGrant[]> {
    const query = this.knex<ShareRow>(`${SHARES} as s`)
      .leftJoin(`${USERS} as g`, 'g.username', 's.grantee')
      .where(q =>
        q
          .where('s.grantee', username)
          .orWhereIn(
            's.grantee',
            this.knex(MEMBERS).select('team').where({ member: username }),
          ),
      )
      .select('s.*', 'g.is_team');
    if (service) {
      query.andWhere({
        's.owner': service.owner,
        's.service': service.service,
      });
    }
    const now = this.now();
    const rows = (await query) as (ShareRow & { is_team: unknown })[];
    return rows
      .filter(row => isLive(row, now))
      .map(row => ({
        owner: row.owner,
        service: row.service,
        grantee: row.grantee,
        granteeIsTeam: Boolean(row.is_team),
        createdBy: row.created_by,
        expiresAt: row.expires_at ? toDate(row.expires_at) : undefined,
      }));
  }
}
