// @ts-check

/**
 * Self-service teams: each membership has a role (owner, member, viewer) and
 * a user may invite another; the invitation waits until the invitee accepts
 * or declines it. Teams created by an admin before roles existed keep plain
 * members (no owner): the admin list flags them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('knot_team_members', table => {
    table.string('role', 16).notNullable().defaultTo('member');
  });
  await knex.schema.createTable('knot_team_invitations', table => {
    table.comment('Invitations to join a team, pending until answered');
    table
      .string('team', 63)
      .notNullable()
      .references('username')
      .inTable('knot_users')
      .onDelete('CASCADE');
    table
      .string('invitee', 63)
      .notNullable()
      .references('username')
      .inTable('knot_users')
      .onDelete('CASCADE');
    table.string('role', 16).notNullable();
    table.string('invited_by', 63).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['team', 'invitee']);
    table.index(['invitee'], 'knot_team_invitations_invitee_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('knot_team_invitations');
  await knex.schema.alterTable('knot_team_members', table => {
    table.dropColumn('role');
  });
};
