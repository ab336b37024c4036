import type { Knex } from 'knex';

const TABLE = 'knot_oidc_models';

/** What oidc-provider hands an adapter (kept loose: its types are ESM). */
type Payload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: unknown;
};

interface Row {
  model: string;
  id: string;
  payload: string;
  uid: string | null;
  user_code: string | null;
  expires_at: string | number | null;
  consumed_at: string | number | null;
}

/**
 * oidc-provider's storage adapter on a knex database: one table for every
 * model, rows keyed by (model, id). Expired rows are ignored on read and
 * swept now and then.
 */
export class KnexAdapter {
  constructor(private readonly knex: Knex, private readonly model: string) {}

  private parse(row: Row | undefined): Payload | undefined {
    if (!row) {
      return undefined;
    }
    if (row.expires_at !== null && Number(row.expires_at) <= Date.now()) {
      return undefined;
    }
    const payload = JSON.parse(row.payload) as Payload;
    if (row.consumed_at !== null) {
      payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
    }
    return payload;
  }

  async upsert(id: string, payload: Payload, expiresIn?: number) {
    const row = {
      model: this.model,
      id,
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expires_at: expiresIn ? Date.now() + expiresIn * 1000 : null,
    };
    await this.knex(TABLE)
      .insert({ ...row, consumed_at: null })
      .onConflict(['model', 'id'])
      .merge(['payload', 'grant_id', 'user_code', 'uid', 'expires_at']);
    if (Math.random() < 0.01) {
      // Sweep expired rows occasionally, rather than on every write.
      await this.knex(TABLE).where('expires_at', '<', Date.now()).delete();
    }
  }

  async find(id: string) {
    return this.parse(
      await this.knex<Row>(TABLE).where({ model: this.model, id }).first(),
    );
  }

  async findByUid(uid: string) {
    return this.parse(
      await this.knex<Row>(TABLE).where({ model: this.model, uid }).first(),
    );
  }

  async findByUserCode(userCode: string) {
    return this.parse(
      await this.knex<Row>(TABLE)
        .where({ model: this.model, user_code: userCode })
        .first(),
    );
  }

  async consume(id: string) {
    await this.knex(TABLE)
      .where({ model: this.model, id })
      .update({ consumed_at: Date.now() });
  }

  async destroy(id: string) {
    await this.knex(TABLE).where({ model: this.model, id }).delete();
  }

  async revokeByGrantId(grantId: string) {
    // Every model of the grant goes (codes, tokens), not only this one.
    await this.knex(TABLE).where({ grant_id: grantId }).delete();
  }
}
