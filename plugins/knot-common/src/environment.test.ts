import {
  KNOT_VALUE_NAMES,
  knotClaimName,
  knotEnvName,
  profileKnotValues,
} from './environment';

describe('Knot value names', () => {
  it('spell environment variables in upper snake case', () => {
    expect(knotEnvName('privateDir')).toBe('KNOT_PRIVATE_DIR');
    expect(knotEnvName('argoWorkflowsUrl')).toBe('KNOT_ARGO_WORKFLOWS_URL');
    expect(knotEnvName('username')).toBe('KNOT_USERNAME');
  });

  it('spell OIDC claims in lower snake case', () => {
    expect(knotClaimName('ingressUrl')).toBe('knot_ingress_url');
    expect(knotClaimName('namespace')).toBe('knot_namespace');
  });

  it('map every value to a distinct name', () => {
    const envs = new Set(KNOT_VALUE_NAMES.map(knotEnvName));
    expect(envs.size).toBe(KNOT_VALUE_NAMES.length);
  });
});

describe('profileKnotValues', () => {
  it("puts the profile's name into configured URLs", () => {
    const values = profileKnotValues({
      profile: 'alice',
      namespace: 'knot-alice',
      ingressUrl: 'https://knot.example',
      urls: {
        argoWorkflowsUrl: 'https://argo.example',
        privateRegistryUrl: 'harbor.example/{profile}',
        privateRepoUrl: 'oci://harbor.example/{profile}',
      },
    });
    expect(values).toMatchObject({
      argoWorkflowsUrl: 'https://argo.example',
      privateRegistryUrl: 'harbor.example/alice',
      privateRepoUrl: 'oci://harbor.example/alice',
    });
    expect(values).not.toHaveProperty('publicRegistryUrl');
  });
});
