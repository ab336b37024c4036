import { knotSignInResolver } from './knotSignInResolver';

describe('knotSignInResolver', () => {
  function signIn(userinfo: Record<string, unknown>) {
    const issueToken = jest.fn(async (params: unknown) => ({
      token: 'token',
      params,
    }));
    const result = knotSignInResolver(
      {
        profile: {},
        result: { fullProfile: { userinfo, tokenset: {} } },
      } as any,
      { issueToken } as any,
    );
    return { result, issueToken };
  }

  it('signs the Knot user in as user:default/<username>, owning its teams', async () => {
    const { result, issueToken } = signIn({
      sub: 'alice',
      preferred_username: 'alice',
      groups: ['vision'],
    });
    await result;
    expect(issueToken).toHaveBeenCalledWith({
      claims: {
        sub: 'user:default/alice',
        ent: ['user:default/alice', 'group:default/vision'],
      },
    });
  });

  it('refuses a token without a username', async () => {
    await expect(signIn({}).result).rejects.toThrow(
      'Knot did not say who you are',
    );
  });
});
