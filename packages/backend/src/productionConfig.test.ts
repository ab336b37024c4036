import { ConfigSources } from '@backstage/config-loader';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/** The development guest's username (GUEST_USERNAME of knot-common). */
const GUEST_USERNAME = 'guest';

/**
 * The configuration of an environment: app-config.yaml with
 * `app-config.<environment>.yaml` over it, environment variables
 * substituted (by placeholders here).
 */
async function loadConfigStack(environment: 'production' | 'development') {
  const source = ConfigSources.default({
    rootDir: ROOT,
    argv: [
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      path.join(ROOT, `app-config.${environment}.yaml`),
    ],
    substitutionFunc: async name => `<${name}>`,
  });
  return ConfigSources.toConfig(source);
}

describe('the production configuration', () => {
  it('carries no development profile, admin or sign-in', async () => {
    const config = await loadConfigStack('production');
    try {
      expect(config.getString('auth.environment')).toBe('production');
      // The password-less guest sign-in.
      expect(config.getOptionalConfig('auth.providers.guest')).toBeUndefined();
      expect(config.getOptionalConfig('auth.providers')?.keys()).toEqual([
        'oidc',
      ]);
      // Admins and provisioned profiles outside the user store.
      expect(
        config.getOptionalStringArray('knot.identity.admins') ?? [],
      ).toEqual([]);
      expect(
        config.getOptionalConfigArray('knot.provisioning.profiles') ?? [],
      ).toEqual([]);
      // Nor anything else naming the guest.
      const everything = JSON.stringify(config.get());
      expect(everything).not.toMatch(new RegExp(`\\b${GUEST_USERNAME}\\b`));
      // Secrets in use come from the environment, not the development ones.
      expect(config.getString('auth.session.secret')).toBe(
        '<AUTH_SESSION_SECRET>',
      );
      expect(
        config.getString('auth.providers.oidc.production.clientSecret'),
      ).toBe('<KNOT_PORTAL_OIDC_SECRET>');
      expect(
        config
          .getConfigArray('knot.identity.oidc.clients')
          .map(c => c.getOptionalString('clientSecret')),
      ).toEqual(['<KNOT_PORTAL_OIDC_SECRET>']);
    } finally {
      config.close();
    }
  });

  it('differs from the development stack, which has the guest', async () => {
    // So the test above can fail: the same files plus the development one.
    const config = await loadConfigStack('development');
    try {
      expect(config.getStringArray('knot.identity.admins')).toEqual([
        GUEST_USERNAME,
      ]);
      expect(config.getOptionalConfig('auth.providers.guest')).toBeDefined();
    } finally {
      config.close();
    }
  });
});
