import { valuesDiff } from './valuesDiff';

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
});
