import { newProfileNameProblem, ServiceHostClaims } from './hostClaims';
import { KNOT_NAMESPACE_ENABLED, KNOT_NAMESPACE_LABEL } from './labels';

const namespace = (profile: string) => ({
  metadata: {
    name: `knot-${profile}`,
    labels: { [KNOT_NAMESPACE_LABEL]: KNOT_NAMESPACE_ENABLED },
  },
});
const ingress = (profile: string, host: string) => ({
  metadata: { namespace: `knot-${profile}` },
  spec: { rules: [{ host }] },
});

describe('newProfileNameProblem', () => {
  const claims = new ServiceHostClaims(
    [namespace('doe'), namespace('john-doe2'), { metadata: { name: 'web' } }],
    [
      ingress('doe', 'my-app-john-doe.example.org'),
      ingress('john-doe2', 'app-john-doe2.example.org'),
      {
        metadata: { namespace: 'web' },
        spec: { rules: [{ host: 'a-b-c.example.org' }] },
      },
    ],
    'knot-',
  );
  const problem = (name: string) =>
    newProfileNameProblem(name, 'example.org', claims);

  it("refuses a name that would read another profile's service hostname", () => {
    expect(problem('john-doe')).toBe(
      "The name 'john-doe' cannot be used: the address my-app-john-doe.example.org of another profile's service would then read as a service of 'john-doe'. Please choose another name",
    );
    expect(problem('app-john-doe')).toContain('cannot be used');
  });

  it('accepts names that read no other profile’s hostname', () => {
    // A shorter name never takes a longer existing profile's hostnames.
    expect(problem('doe2')).toBeUndefined();
    expect(problem('alice')).toBeUndefined();
    // Hosts of namespaces that are no profile's are not a profile's service.
    expect(problem('b-c')).toBeUndefined();
    // A profile's own hostnames (it exists already).
    expect(problem('doe')).toBeUndefined();
  });
});

describe('newProfileNameProblem in URL-prefix mode', () => {
  const prefix = { host: 'services.example.org', pathPrefix: '/services' };
  const claims = new ServiceHostClaims(
    [namespace('doe')],
    [
      {
        metadata: { namespace: 'knot-doe' },
        spec: {
          rules: [
            {
              host: 'services.example.org',
              http: { paths: [{ path: '/services/my-app-john-doe' }] },
            },
          ],
        },
      },
    ],
    'knot-',
    prefix,
  );

  it("refuses a name that would read another profile's prefix, naming the prefix", () => {
    expect(newProfileNameProblem('john-doe', prefix.host, claims, prefix)).toBe(
      "The name 'john-doe' cannot be used: the address services.example.org/services/my-app-john-doe/ of another profile's service would then read as a service of 'john-doe'. Please choose another name",
    );
    expect(
      newProfileNameProblem('alice', prefix.host, claims, prefix),
    ).toBeUndefined();
  });
});

describe('ServiceHostClaims.releaseAt', () => {
  const helm = (profile: string, host: string, release?: string) => ({
    metadata: {
      namespace: `knot-${profile}`,
      annotations: release
        ? { 'meta.helm.sh/release-name': release }
        : undefined,
    },
    spec: { rules: [{ host }] },
  });
  const claims = new ServiceHostClaims(
    [namespace('alice')],
    [
      helm('alice', 'lab-alice.example.org', 'lab'),
      helm('alice', 'lab-alice.example.org', 'lab'),
      helm('alice', 'mixed-alice.example.org', 'lab'),
      helm('alice', 'mixed-alice.example.org', 'other'),
      helm('alice', 'half-alice.example.org', 'lab'),
      helm('alice', 'half-alice.example.org'),
      helm('alice', 'raw-alice.example.org'),
    ],
    'knot-',
  );

  it('names the one Helm release whose Ingresses serve the host', () => {
    expect(claims.releaseAt('LAB-alice.example.org.')).toBe('lab');
  });

  it('names none when another Ingress serves the host too, or Helm did not install it', () => {
    expect(claims.releaseAt('mixed-alice.example.org')).toBeUndefined();
    expect(claims.releaseAt('half-alice.example.org')).toBeUndefined();
    expect(claims.releaseAt('raw-alice.example.org')).toBeUndefined();
    expect(claims.releaseAt('nothing-alice.example.org')).toBeUndefined();
  });
});
