// @ts-check

/**
 * Sharing a service: the owner profile's release, opened to a named user or
 * team (every member) by forward-auth, until revoked or until it expires.
 * No foreign keys: deleting a profile deletes its shares and the shares
 * given to it in the same transaction (UserStore.deleteProfile), as with
 * memberships.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('knot_service_shares', table => {
    table.comment('Services shared with users or teams outside their profile');
    table.string('owner', 63).notNullable();
    // The Helm release name.
    table.string('service', 63).notNullable();
    table.string('grantee', 63).notNullable();
    table.string('created_by', 63).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.primary(['owner', 'service', 'grantee']);
    table.index(['grantee'], 'knot_service_shares_grantee_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('knot_service_shares');
};
