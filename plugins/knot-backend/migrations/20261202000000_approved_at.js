// @ts-check

/**
 * When an account was first approved (or a team created): a deactivated
 * account (approved once, inactive now) keeps its namespace, volumes and
 * releases, suspended; an account still awaiting approval has none.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('knot_users', table => {
    table.timestamp('approved_at', { useTz: true }).nullable();
  });
  // Accounts active today were approved; inactive ones cannot be told apart
  // from those awaiting approval (their namespaces were removed anyway).
  await knex('knot_users')
    .where({ active: true })
    .update({ approved_at: knex.ref('updated_at') });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('knot_users', table => {
    table.dropColumn('approved_at');
  });
};
