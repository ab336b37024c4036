import { hostOwner } from './hostnames';
import { ServiceHostClaims } from './hostClaims';
import {
  ingressPrefixAddresses,
  normalizePathPrefix,
  prefixAddress,
  servicePathClaim,
} from './servicePrefixes';
import { releaseKnotValues } from './services';
import { serviceUrl } from './hostnames';

const prefix = { host: 'services.knot.test', pathPrefix: '/services' };

describe('service URL prefixes', () => {
  it('puts a service at <host><pathPrefix>/<service>-<profile>/', () => {
    const exposure = { domain: 'knot.test', scheme: 'https', prefix };
    expect(serviceUrl('app', 'alice', exposure)).toBe(
      'https://services.knot.test/services/app-alice/',
    );
    expect(serviceUrl('app', 'alice', { ...exposure, port: 8443 })).toBe(
      'https://services.knot.test:8443/services/app-alice/',
    );
    expect(
      releaseKnotValues({
        release: 'app',
        profile: 'alice',
        namespace: 'knot-alice',
        ingressUrl: 'https://knot.test',
        ...exposure,
      }),
    ).toMatchObject({
      hostname: 'services.knot.test',
      basePath: '/services/app-alice/',
      url: 'https://services.knot.test/services/app-alice/',
    });
    // Subdomain mode: the app is at the root of its own host.
    expect(
      releaseKnotValues({
        release: 'app',
        profile: 'alice',
        namespace: 'knot-alice',
        ingressUrl: 'https://knot.test',
        domain: 'knot.test',
      }),
    ).toMatchObject({
      hostname: 'app-alice.knot.test',
      basePath: '/',
      url: 'https://app-alice.knot.test/',
    });
  });

  it('accepts only plain path prefixes in the configuration', () => {
    expect(normalizePathPrefix('services/', 'x')).toBe('/services');
    expect(normalizePathPrefix('/apps/run', 'x')).toBe('/apps/run');
    for (const bad of ['/', '', '/../x', '/a b', '/Services', '/%2e']) {
      expect(() =>
        normalizePathPrefix(bad, 'knot.services.exposure.pathPrefix'),
      ).toThrow(/knot.services.exposure.pathPrefix must be a path/);
    }
  });

  describe('the claim of a request path', () => {
    it('is exactly the first segment after the prefix, lower-cased', () => {
      expect(servicePathClaim('/services/app-alice/', '/services')).toEqual({
        label: 'app-alice',
      });
      expect(servicePathClaim('/services/app-alice', '/services')).toEqual({
        label: 'app-alice',
      });
      expect(
        servicePathClaim(
          '/services/app-alice/lab/x?y=/services/b',
          '/services',
        ),
      ).toEqual({ label: 'app-alice' });
      // Not a prefix of the label: the whole segment.
      expect(servicePathClaim('/services/app-alice-x/', '/services')).toEqual({
        label: 'app-alice-x',
      });
      // Case: as hostnames, read in lower case (the webhook writes lower-case paths).
      expect(servicePathClaim('/Services/App-Alice/', '/services')).toEqual({
        label: 'app-alice',
      });
      // Harmless escapes of letters decode to the same label.
      expect(servicePathClaim('/services/app-%61lice/', '/services')).toEqual({
        label: 'app-alice',
      });
      // Empty segments after the label cannot move the claim.
      expect(servicePathClaim('/services/app-alice//api', '/services')).toEqual(
        { label: 'app-alice' },
      );
    });

    it.each([
      // Dot segments: a router that resolves them routes to app-bob.
      ['/services/app-alice/../app-bob/'],
      ['/services/app-alice/x/../../app-bob/'],
      ['/services/./app-bob/'],
      ['/services/app-alice/%2e%2e/app-bob/'],
      ['/services/app-alice/%2E./app-bob/'],
      // Encoded separators: a router that decodes them sees other segments.
      ['/services/app-alice%2f..%2fapp-bob/'],
      ['/services/app-alice/x%2F..%2F..%2Fapp-bob'],
      ['/services/app-alice%5c..%5capp-bob/'],
      ['/services/app-alice\\..\\app-bob/'],
      // Control characters, malformed escapes.
      ['/services/app-alice%00/'],
      ['/services/app-alice/%zz'],
      ['/services/app-alice/%E0%A4%A'],
    ])('refuses %s outright', path => {
      const claim = servicePathClaim(path, '/services');
      expect(claim.label).toBeUndefined();
      expect(claim.problem).toMatch(/refused/);
    });

    it.each([
      ['/'],
      ['/services'],
      ['/services/'],
      ['//services/app-alice/'],
      ['/services//app-alice/'],
      ['/other/app-alice/'],
      ['/servicesx/app-alice/'],
      ['services/app-alice/'],
      ['/services/app_alice/'],
      ['/services/-app-alice/'],
    ])('finds no service in %s', path => {
      const claim = servicePathClaim(path, '/services');
      expect(claim.label).toBeUndefined();
      expect(claim.problem).toMatch(/is not one of a service/);
    });
  });

  describe('ownership of a prefix', () => {
    const namespaces = ['alice', 'bob', 'john-doe', 'doe'].map(p => ({
      metadata: { name: `knot-${p}`, labels: { knot: 'enabled' } },
    }));
    const ingress = (profile: string, paths: string[], host = prefix.host) => ({
      metadata: { name: 'i', namespace: `knot-${profile}` },
      spec: {
        rules: [{ host, http: { paths: paths.map(path => ({ path })) } }],
      },
    });
    const claims = new ServiceHostClaims(
      namespaces,
      [
        ingress('alice', ['/services/app-alice']),
        ingress('bob', ['/services/app-bob/']),
        // doe's prefix that reads as john-doe's (admitted before john-doe existed).
        ingress('doe', ['/services/my-app-john-doe']),
      ],
      'knot-',
      prefix,
    );
    const ownerOf = (path: string) => {
      const claim = servicePathClaim(path, prefix.pathPrefix);
      if (!claim.label) return undefined;
      const address = prefixAddress(claim.label, prefix.host);
      return hostOwner(
        address,
        prefix.host,
        claims.claimants(address),
        claims.profileExists,
      );
    };

    it('reads a prefix with the hostname rule', () => {
      expect(ownerOf('/services/app-alice/lab')).toBe('alice');
      expect(ownerOf('/services/app-bob')).toBe('bob');
      // No Ingress names it: nobody's, even though it ends in -alice.
      expect(ownerOf('/services/other-alice/')).toBeUndefined();
      expect(ownerOf('/services/app-alice-x/')).toBeUndefined();
      // A longer existing profile reads it: ambiguity is a refusal.
      expect(ownerOf('/services/my-app-john-doe/')).toBeUndefined();
    });

    it('names addresses per service path of the prefix host only', () => {
      expect(
        ingressPrefixAddresses(
          {
            spec: {
              rules: [
                {
                  host: 'Services.Knot.Test',
                  http: {
                    paths: [{ path: '/services/app-alice/api' }, { path: '/' }],
                  },
                },
                { host: 'other.knot.test' },
              ],
              tls: [{ hosts: ['services.knot.test'] }],
            },
          },
          prefix,
        ).sort(),
      ).toEqual([
        'app-alice.services.knot.test',
        'other.knot.test',
        'services.knot.test',
      ]);
    });
  });
});
