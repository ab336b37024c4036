// @ts-check

/**
 * Storage of the OIDC provider, on the Knot backend's database: everything
 * oidc-provider persists (sessions, grants, codes, tokens, interactions), and
 * the provider's own secrets (signing key, cookie keys), so a restart or
 * another replica loses nobody's session.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('knot_oidc_models', table => {
    table.comment(
      'oidc-provider models (Session, Grant, AuthorizationCode, ...)',
    );
    table.string('model', 64).notNullable();
    table.string('id', 255).notNullable();
    table.text('payload').notNullable();
    table
      .string('grant_id', 255)
      .nullable()
      .index('knot_oidc_models_grant_idx');
    table.string('user_code', 255).nullable();
    table.string('uid', 255).nullable().index('knot_oidc_models_uid_idx');
    // Epoch milliseconds (portable across SQLite and PostgreSQL).
    table.bigInteger('expires_at').nullable();
    table.bigInteger('consumed_at').nullable();
    table.primary(['model', 'id']);
  });
  await knex.schema.createTable('knot_oidc_secrets', table => {
    table.comment('Signing keys and cookie keys of the OIDC provider');
    table.string('id', 64).primary().notNullable();
    table.text('value').notNullable();
    table.bigInteger('created_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('knot_oidc_secrets');
  await knex.schema.dropTable('knot_oidc_models');
};
