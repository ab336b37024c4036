import {
  hostClaimProblem,
  hostOwner,
  hostOwnerCandidates,
  normalizeHost,
  isProfileHost,
  serviceHostname,
  serviceUrl,
} from './hostnames';

describe('the service hostname rule', () => {
  it('names a service <service>-<profile>.<domain>', () => {
    expect(serviceHostname('hello', 'alice', 'knot.test')).toBe(
      'hello-alice.knot.test',
    );
    expect(
      serviceUrl('hello', 'alice', { domain: 'knot.test', scheme: 'https' }),
    ).toBe('https://hello-alice.knot.test/');
    expect(
      serviceUrl('hello', 'alice', {
        domain: 'knot.test',
        scheme: 'https',
        port: 30467,
      }),
    ).toBe('https://hello-alice.knot.test:30467/');
    expect(
      serviceUrl('hello', 'alice', {
        domain: 'knot.test',
        scheme: 'https',
        port: 443,
      }),
    ).toBe('https://hello-alice.knot.test/');
    expect(isProfileHost('Hello-Alice.knot.test', 'alice', 'knot.test')).toBe(
      true,
    );
    expect(isProfileHost('a.b-alice.knot.test', 'alice', 'knot.test')).toBe(
      false,
    );
    expect(isProfileHost('-alice.knot.test', 'alice', 'knot.test')).toBe(false);
  });

  it('lists candidate owners of a host, dashes in both parts', () => {
    expect(
      hostOwnerCandidates('my-app-john-doe.knot.test:443', 'knot.test'),
    ).toEqual(['doe', 'john-doe', 'app-john-doe']);
    expect(hostOwnerCandidates('app.other.test', 'knot.test')).toEqual([]);
    expect(hostOwnerCandidates('a.b.knot.test', 'knot.test')).toEqual([]);
  });
});

describe('each hostname belongs to exactly one profile', () => {
  const existing = new Set(['doe', 'john-doe', 'alice']);
  const exists = (p: string) => existing.has(p);
  const claim = (host: string, profile: string, claimedElsewhere = false) =>
    hostClaimProblem({
      host,
      profile,
      domain: 'knot.test',
      profileExists: exists,
      claimedElsewhere,
    });

  it('compares hosts without case, port or trailing dot', () => {
    expect(normalizeHost('Hello-Alice.KNOT.test.:443')).toBe(
      'hello-alice.knot.test',
    );
    expect(normalizeHost('*.knot.test')).toBeUndefined();
    expect(normalizeHost('a b.knot.test')).toBeUndefined();
    expect(normalizeHost('')).toBeUndefined();
  });

  it("refuses a shorter profile a host that names a longer one's service", () => {
    // The reported takeover: doe claiming john-doe's my-app.
    expect(claim('my-app-john-doe.knot.test', 'doe')).toMatch(
      /names a service of the profile john-doe .*"-john"/,
    );
    expect(claim('my-app-john-doe.knot.test', 'john-doe')).toBeUndefined();
    // Every host of john-doe ends in -doe: doe's hosts stay doe's only when
    // no longer profile reads them.
    expect(claim('my-app-doe.knot.test', 'doe')).toBeUndefined();
  });

  it('refuses a host another namespace already names, and foreign hosts', () => {
    expect(claim('web-alice.knot.test', 'alice', true)).toMatch(
      /an Ingress in another namespace already uses it/,
    );
    expect(claim('web-bob.knot.test', 'alice')).toMatch(
      /must use hosts of the form <name>-alice.knot.test/,
    );
    expect(claim('*.knot.test', 'alice')).toMatch(/not allowed/);
    expect(claim('x.web-alice.knot.test', 'alice')).toMatch(/not allowed/);
  });

  it('finds the owner only when exactly one profile claims a host that reads as its own', () => {
    const owner = (
      host: string | undefined,
      claimants: (string | undefined)[],
    ) => hostOwner(host, 'knot.test', claimants, exists);
    expect(owner('my-app-john-doe.knot.test', ['john-doe'])).toBe('john-doe');
    expect(owner('MY-APP-john-doe.knot.test.:443', ['john-doe'])).toBe(
      'john-doe',
    );
    // Ambiguity is a refusal: a shorter claimant, two claimants, a
    // namespace that is no profile's, no claimant.
    expect(owner('my-app-john-doe.knot.test', ['doe'])).toBeUndefined();
    expect(
      owner('my-app-john-doe.knot.test', ['john-doe', 'doe']),
    ).toBeUndefined();
    expect(owner('web-alice.knot.test', [undefined])).toBeUndefined();
    expect(owner('web-alice.knot.test', [])).toBeUndefined();
    expect(owner('web-alice.knot.test', ['bob'])).toBeUndefined();
    expect(owner(undefined, ['alice'])).toBeUndefined();
  });
});
