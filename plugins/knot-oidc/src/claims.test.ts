import { oidcClaimNames } from './claims';

describe('Knot OIDC claims', () => {
  it('are lower snake case and prefixed knot_', () => {
    for (const name of oidcClaimNames) {
      expect(name).toMatch(/^knot_[a-z]+(_[a-z]+)*$/);
    }
  });
});

describe('the claims the provider may issue', () => {
  it("cover the seeds' table, optional URLs included", () => {
    expect(oidcClaimNames).toEqual(
      expect.arrayContaining([
        'knot_private_dir',
        'knot_argo_workflows_url',
        'knot_private_registry_url',
        'knot_public_registry_url',
        'knot_private_repo_url',
        'knot_public_repo_url',
      ]),
    );
  });
});
