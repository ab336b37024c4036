import { oidcClaimNames } from './claims';

describe('Knot OIDC claims', () => {
  it('are lower snake case and prefixed knot_', () => {
    for (const name of oidcClaimNames) {
      expect(name).toMatch(/^knot_[a-z]+(_[a-z]+)*$/);
    }
  });
});
