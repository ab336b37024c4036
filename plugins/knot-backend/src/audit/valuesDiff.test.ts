import { MAX_RECORDED_CHANGES, valuesDiff } from './valuesDiff';

describe('valuesDiff', () => {
  it('lists the changed keys with old and new values, secrets masked', () => {
    expect(
      valuesDiff(
        {
          replicas: 1,
          image: { tag: '1.0' },
          auth: { user: 'me', password: 'old-secret' },
          apiToken: 'tok-1',
          same: 'x',
        },
        {
          replicas: 2,
          image: { tag: '1.1' },
          auth: { user: 'me', password: 'new-secret' },
          apiToken: 'tok-2',
          same: 'x',
          added: true,
        },
      ),
    ).toEqual({
      replicas: { from: 1, to: 2 },
      'image.tag': { from: '1.0', to: '1.1' },
      // Under a secret-looking key, nothing is shown: not even the user.
      'auth.password': { from: '***', to: '***' },
      apiToken: { from: '***', to: '***' },
      added: { from: null, to: true },
    });
  });

  it('never shows a secret-looking key added or removed', () => {
    const diff = valuesDiff({ secretKey: 'abc' }, { privateKey: 'def' });
    expect(JSON.stringify(diff)).not.toMatch(/abc|def/);
    expect(diff).toEqual({
      secretKey: { from: '***', to: null },
      privateKey: { from: null, to: '***' },
    });
  });

  it('shortens long values', () => {
    const diff = valuesDiff({ text: 'a' }, { text: 'b'.repeat(1000) });
    expect(String(diff.text.to).length).toBeLessThan(210);
  });

  it('shows no secret inside an object or list added or removed whole', () => {
    const secrets = {
      db: { host: 'pg', password: 's3cret-1' },
      env: [
        { name: 'MODE', value: 'fast' },
        { name: 'DB_PASSWORD', value: 's3cret-2' },
        { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 's3cret-3' } } },
      ],
      args: ['--verbose', '--db-password=s3cret-4'],
    };
    for (const diff of [valuesDiff({}, secrets), valuesDiff(secrets, {})]) {
      expect(JSON.stringify(diff)).not.toMatch(/s3cret/);
    }
    expect(valuesDiff({}, secrets)).toEqual({
      'db.host': { from: null, to: 'pg' },
      'db.password': { from: null, to: '***' },
      'env[0].name': { from: null, to: 'MODE' },
      'env[0].value': { from: null, to: 'fast' },
      'env[1].name': { from: null, to: '***' },
      'env[1].value': { from: null, to: '***' },
      'env[2].name': { from: null, to: '***' },
      'env[2].valueFrom.secretKeyRef.name': { from: null, to: '***' },
      'args[0]': { from: null, to: '--verbose' },
      'args[1]': { from: null, to: '***' },
    });
  });

  it('masks a value that turns into an object holding a secret, and back', () => {
    const diff = valuesDiff({ db: 'none' }, { db: { token: 's3cret' } });
    expect(diff).toEqual({
      db: { from: 'none', to: null },
      'db.token': { from: null, to: '***' },
    });
  });

  it(`records at most ${MAX_RECORDED_CHANGES} changes, then how many more`, () => {
    const many = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]),
    );
    const diff = valuesDiff({}, many);
    expect(Object.keys(diff)).toHaveLength(MAX_RECORDED_CHANGES + 1);
    expect(diff['…']).toEqual({
      from: null,
      to: `${1000 - MAX_RECORDED_CHANGES} more changes`,
    });
    expect(JSON.stringify(diff).length).toBeLessThan(4096);
  });
});
