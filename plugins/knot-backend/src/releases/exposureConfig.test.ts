import { ConfigReader } from '@backstage/config';
import { readExposure } from './config';

const read = (exposure: object, extra: object = {}) =>
  readExposure(
    new ConfigReader({
      app: { baseUrl: 'https://knot.example.org' },
      knot: { ingress: { domain: 'example.org' }, services: { exposure } },
      ...extra,
    }),
  );

describe('knot.services.exposure', () => {
  it('is subdomain mode unless set', () => {
    expect(read({}).prefix).toBeUndefined();
    expect(
      read({ mode: 'subdomain', host: 'x.example.org' }).prefix,
    ).toBeUndefined();
  });

  it('puts services on a host of their own by default', () => {
    expect(read({ mode: 'prefix' })).toMatchObject({
      prefix: { host: 'services.example.org', pathPrefix: '/services' },
      servicesOnPortalHost: false,
    });
    expect(
      read({ mode: 'prefix', host: 'Apps.Example.org', pathPrefix: 'run/' })
        .prefix,
    ).toEqual({ host: 'apps.example.org', pathPrefix: '/run' });
  });

  it("refuses the portal's own host unless the admin allows it", () => {
    expect(() => read({ mode: 'prefix', host: 'knot.example.org' })).toThrow(
      "knot.services.exposure.host 'knot.example.org' is the portal's own host",
    );
    // The backend's host counts as the portal's too.
    expect(() =>
      read(
        { mode: 'prefix', host: 'api.example.org' },
        { backend: { baseUrl: 'https://api.example.org:7007' } },
      ),
    ).toThrow(/is the portal's own host/);
    expect(
      read({ mode: 'prefix', host: 'knot.example.org', allowPortalHost: true }),
    ).toMatchObject({
      prefix: { host: 'knot.example.org' },
      servicesOnPortalHost: true,
    });
  });

  it('refuses what the sign-in cookie or the router could not serve', () => {
    expect(() => read({ mode: 'path' })).toThrow(
      "knot.services.exposure.mode must be 'subdomain' or 'prefix', not 'path'",
    );
    expect(() => read({ mode: 'prefix', host: 'apps.other.org' })).toThrow(
      /must be under knot.ingress.domain \(example.org\)/,
    );
    expect(() =>
      read({ mode: 'prefix', host: 'services.example.org:8443' }),
    ).toThrow(/without a port/);
    expect(() => read({ mode: 'prefix', pathPrefix: '/a/../b' })).toThrow(
      /pathPrefix must be a path/,
    );
  });
});
