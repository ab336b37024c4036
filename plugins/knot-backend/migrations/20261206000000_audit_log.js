// @ts-check

/**
 * The audit log: one row per platform action (who, as which profile, on
 * what, with what result, from where). Rows are only inserted and, past the
 * retention (`knot.audit.retentionDays`), deleted; no foreign keys, so an
 * entry outlives the user or team it names.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('knot_audit_log', table => {
    table.comment('Platform actions: who did what, as whom, from where');
    table.bigIncrements('id').primary();
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('action', 64).notNullable();
    table.string('actor', 63).notNullable();
    table.string('acting_profile', 63).nullable();
    table.string('target', 512).nullable();
    table.string('target_profile', 63).nullable();
    table.string('result', 16).notNullable();
    table.string('source_ip', 64).nullable();
    // JSON: action-specific facts, never secrets.
    table.text('details').nullable();
    table.index(['at'], 'knot_audit_log_at_idx');
    table.index(['actor'], 'knot_audit_log_actor_idx');
    table.index(['acting_profile'], 'knot_audit_log_acting_profile_idx');
    table.index(['target_profile'], 'knot_audit_log_target_profile_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('knot_audit_log');
};
