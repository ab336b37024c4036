// @ts-check

/**
 * Failed sign-in attempts, shared by every replica, so password guessing is
 * throttled across the whole deployment (see src/throttle.ts).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('knot_oidc_login_failures', table => {
    table.comment('Failed sign-in attempts of the last few minutes');
    table.increments('id');
    table
      .string('username', 255)
      .notNullable()
      .index('knot_oidc_login_failures_username_idx');
    // Epoch milliseconds.
    table
      .bigInteger('at')
      .notNullable()
      .index('knot_oidc_login_failures_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('knot_oidc_login_failures');
};
