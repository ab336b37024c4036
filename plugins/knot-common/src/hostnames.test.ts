import {
  hostOwnerCandidates,
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
