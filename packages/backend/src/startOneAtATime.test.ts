import { startOneAtATime, startupLockConnection } from './startOneAtATime';

// PostgreSQL of the test suites (scripts/test starts one); without it the
// lock has nothing to hold.
const url = Object.entries(process.env).find(([name]) =>
  /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(name),
)?.[1];
const describeWithPostgres = url ? describe : describe.skip;

describeWithPostgres('startOneAtATime on PostgreSQL', () => {
  it('starts a second replica only once the first has started', async () => {
    const connection = { connectionString: url };
    const order: string[] = [];
    let finishFirst = () => {};
    const firstStarting = new Promise<void>(resolve => {
      finishFirst = resolve;
    });
    const waits: string[] = [];
    const first = startOneAtATime(
      async () => {
        order.push('first starts');
        await firstStarting;
        order.push('first started');
      },
      connection,
      m => waits.push(`first: ${m}`),
    );
    await new Promise(r => setTimeout(r, 200));
    const second = startOneAtATime(
      async () => {
        order.push('second starts');
      },
      connection,
      m => waits.push(`second: ${m}`),
    );
    await new Promise(r => setTimeout(r, 500));
    expect(order).toEqual(['first starts']);
    expect(waits).toEqual([
      'second: Waiting for another replica of the portal to finish starting',
    ]);
    finishFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'first started', 'second starts']);
  });

  it('releases the lock when a start fails', async () => {
    const connection = { connectionString: url };
    await expect(
      startOneAtATime(
        async () => {
          throw new Error('plugin failed');
        },
        connection,
        () => {},
      ),
    ).rejects.toThrow('plugin failed');
    const log: string[] = [];
    await startOneAtATime(
      async () => {},
      connection,
      m => log.push(m),
    );
    expect(log).toEqual([]);
  });
});

describe('startOneAtATime', () => {
  it('starts without a lock when there is no PostgreSQL (SQLite)', async () => {
    const start = jest.fn(async () => {});
    await startOneAtATime(start, startupLockConnection({}), () => {});
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('reads the connection the chart sets', () => {
    expect(
      startupLockConnection({
        KNOT_STARTUP_LOCK_HOST: 'db.example.org',
        KNOT_STARTUP_LOCK_PORT: '6432',
        KNOT_STARTUP_LOCK_USER: 'knot',
        POSTGRES_PASSWORD: 'secret',
      }),
    ).toEqual({
      host: 'db.example.org',
      port: 6432,
      user: 'knot',
      password: 'secret',
      database: 'postgres',
    });
  });
});
