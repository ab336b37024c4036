// @ts-check

/**
 * Admins' per-profile quota overrides: one row per profile (user or team)
 * and resource, merged over the app-config defaults by the reconciler. No
 * foreign key: profiles of `knot.provisioning.profiles` are not in
 * knot_users; a deleted profile's rows are removed with it (plugin.ts).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('knot_quota_overrides', table => {
    table.comment('Per-profile quota overrides set by Knot admins');
    table.string('profile', 63).notNullable();
    // `requests.cpu`, `requests.nvidia.com/gpu`, `privateStorage`, …
    table.string('resource', 253).notNullable();
    // A Kubernetes quantity, validated before it is stored.
    table.string('quantity', 64).notNullable();
    table.string('updated_by', 63).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['profile', 'resource']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('knot_quota_overrides');
};
