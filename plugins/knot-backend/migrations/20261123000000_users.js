// @ts-check

/**
 * Knot's users and teams. A team is a user row with is_team set (seeds:
 * "each team is just another Knot user"), so the two share one name space,
 * which is also the namespace and hostname space.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('knot_users', table => {
    table.comment('Knot users and teams');
    table.string('username', 63).primary().notNullable();
    table.string('email', 320).nullable();
    // scrypt$<N>$<r>$<p>$<salt>$<hash>; null for teams, who never sign in.
    table.string('password_hash', 255).nullable();
    table.boolean('active').notNullable().defaultTo(false);
    table.boolean('admin').notNullable().defaultTo(false);
    table.boolean('is_team').notNullable().defaultTo(false);
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('knot_team_members', table => {
    table.comment('Which users belong to which teams');
    table
      .string('team', 63)
      .notNullable()
      .references('username')
      .inTable('knot_users')
      .onDelete('CASCADE');
    table
      .string('member', 63)
      .notNullable()
      .references('username')
      .inTable('knot_users')
      .onDelete('CASCADE');
    table.primary(['team', 'member']);
    table.index(['member'], 'knot_team_members_member_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('knot_team_members');
  await knex.schema.dropTable('knot_users');
};
