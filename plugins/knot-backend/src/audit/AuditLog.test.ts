import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '@knot-platform/knot-test-utils';
import { UserStore } from '../identity/UserStore';
import { AuditLog, MAX_DETAILS_CHARS } from './AuditLog';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('AuditLog on %p', databaseId => {
  let knex: Awaited<ReturnType<typeof databases.init>>;
  let now: Date;
  let audit: AuditLog;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    // The plugin's migrations, as the plugin runs them.
    await UserStore.create({ database: { getClient: async () => knex } });
    now = new Date('2026-12-01T12:00:00Z');
    audit = new AuditLog(knex, mockServices.logger.mock(), () => now);
  });

  const record = (
    action: 'user.delete' | 'file.delete',
    actor: string,
    profile: string,
  ) =>
    audit.record({
      action,
      actor,
      actingProfile: profile,
      target: `x ${profile}`,
      targetProfile: profile,
      sourceIp: '10.0.0.1',
      details: { n: 1 },
    });

  it('keeps details up to a bound, and past it only that they were too long', async () => {
    const at = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, i]));
    // Just under the bound: kept whole.
    let n = 1;
    while (JSON.stringify(at(n + 1)).length <= MAX_DETAILS_CHARS) n++;
    for (const details of [at(n), at(10 * n)]) {
      await audit.record({ action: 'file.delete', actor: 'mallory', details });
    }
    const [big, fits] = (await audit.list({}, { limit: 2 })).items;
    expect(fits.details).toEqual(at(n));
    expect(big.details).toEqual({
      truncated: `${
        JSON.stringify(at(10 * n)).length
      } characters of details, more than an entry keeps`,
    });
    const stored = await knex('knot_audit_log').select('details');
    for (const row of stored) {
      expect(row.details.length).toBeLessThanOrEqual(MAX_DETAILS_CHARS);
    }
  });

  it('reads back what it records, newest first, filtered and paged', async () => {
    await record('user.delete', 'dana', 'dana');
    now = new Date('2026-12-02T12:00:00Z');
    await record('file.delete', 'alice', 'alice');
    await record('file.delete', 'carol', 't');

    const all = await audit.list({}, { limit: 10 });
    expect(all.items.map(e => e.actor)).toEqual(['carol', 'alice', 'dana']);
    expect(all.items[2]).toEqual({
      id: expect.any(Number),
      at: '2026-12-01T12:00:00.000Z',
      action: 'user.delete',
      actor: 'dana',
      actingProfile: 'dana',
      target: 'x dana',
      targetProfile: 'dana',
      result: 'success',
      sourceIp: '10.0.0.1',
      details: { n: 1 },
    });
    expect(all.nextBefore).toBeUndefined();

    const page1 = await audit.list({}, { limit: 2 });
    expect(page1.items).toHaveLength(2);
    const page2 = await audit.list({}, { limit: 2, before: page1.nextBefore });
    expect(page2.items.map(e => e.actor)).toEqual(['dana']);

    const filtered = async (filter: Parameters<AuditLog['list']>[0]) =>
      (await audit.list(filter, { limit: 10 })).items.map(e => e.actor);
    expect(await filtered({ user: 'alice' })).toEqual(['alice']);
    expect(await filtered({ action: 'file.delete' })).toEqual([
      'carol',
      'alice',
    ]);
    expect(await filtered({ profile: 't' })).toEqual(['carol']);
    expect(
      await filtered({ profiles: [{ name: 'alice' }, { name: 'dana' }] }),
    ).toEqual(['alice', 'dana']);
    // dana's entry is older than a profile dana created on 2026-12-02.
    expect(
      await filtered({
        profiles: [
          { name: 'alice' },
          { name: 'dana', since: new Date('2026-12-02T00:00:00Z') },
        ],
      }),
    ).toEqual(['alice']);
    expect(await filtered({ profiles: [] })).toEqual([]);
    expect(await filtered({ from: new Date('2026-12-02T00:00:00Z') })).toEqual([
      'carol',
      'alice',
    ]);
    expect(await filtered({ to: new Date('2026-12-02T00:00:00Z') })).toEqual([
      'dana',
    ]);
  });

  it('keeps control characters out of its text columns', async () => {
    await audit.record({
      action: 'share.revoke',
      actor: 'alice',
      actingProfile: 'alice',
      target: 'service alice/web\nuser.delete dana',
      targetProfile: 'alice\r',
    });
    const [entry] = (await audit.list({}, { limit: 1 })).items;
    expect(entry.target).toBe('service alice/web\uFFFDuser.delete dana');
    expect(entry.targetProfile).toBe('alice\uFFFD');
  });

  it('streams every entry in batches, oldest first', async () => {
    for (let i = 0; i < 7; i++) await record('file.delete', `u${i}`, 'p');
    const seen: string[] = [];
    for await (const entry of audit.entries({}, 3)) seen.push(entry.actor);
    expect(seen).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
  });

  it('prunes entries past the retention', async () => {
    now = new Date('2026-01-01T00:00:00Z');
    await record('file.delete', 'old', 'p');
    now = new Date('2026-12-01T00:00:00Z');
    await record('file.delete', 'new', 'p');
    expect(await audit.prune(30)).toBe(1);
    const left = await audit.list({}, { limit: 10 });
    expect(left.items.map(e => e.actor)).toEqual(['new']);
  });

  it('commits and rolls back with the transaction it is recorded in', async () => {
    await knex
      .transaction(async tx => {
        await audit.record({ action: 'user.delete', actor: 'dana' }, tx);
        throw new Error('the change failed');
      })
      .catch(() => undefined);
    expect((await audit.list({}, { limit: 10 })).items).toEqual([]);
    await knex.transaction(tx =>
      audit.record({ action: 'user.delete', actor: 'dana' }, tx),
    );
    expect((await audit.list({}, { limit: 10 })).items).toHaveLength(1);
  });

  it('never throws, and leaves the transaction usable, when it cannot write', async () => {
    const logger = mockServices.logger.mock();
    const broken = new AuditLog(knex, logger);
    await knex.schema.renameTable('knot_audit_log', 'knot_audit_moved');
    await knex.transaction(async tx => {
      await broken.record({ action: 'user.delete', actor: 'dana' }, tx);
      // PostgreSQL would refuse this after a failed statement without the
      // savepoint around the audit insert.
      await tx('knot_users').insert({
        username: 'zed',
        active: true,
        admin: false,
        is_team: false,
        created_at: new Date(),
        updated_at: new Date(),
      });
    });
    await broken.record({
      action: 'user.delete',
      actor: 'dana',
      target: 'user erin\nuser.delete by alice',
    });
    expect(broken.failures).toBe(2);
    expect(logger.error).toHaveBeenCalledTimes(2);
    // The log line is one line, whatever the client sent.
    expect(logger.error).toHaveBeenLastCalledWith(
      expect.stringContaining('on user erin\uFFFDuser.delete by alice:'),
    );
    expect(await knex('knot_users').where({ username: 'zed' })).toHaveLength(1);
  });
});
