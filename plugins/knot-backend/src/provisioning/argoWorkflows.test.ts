import {
  ARGO_ACCOUNT,
  ARGO_TOKEN_SECRET,
  argoRbacRule,
  argoWorkflowsObjects,
} from './argoWorkflows';

const alice = { name: 'alice', isTeam: false, active: true };
const team = { name: 'vision', isTeam: true, active: true };

describe('argoWorkflowsObjects', () => {
  const kinds = (objects: Array<{ kind: string }>) => objects.map(o => o.kind);

  it('writes a Role and binds the account to it by default', () => {
    const { objects, afterObjects } = argoWorkflowsObjects(
      alice,
      'knot-alice',
      {},
    );
    expect(kinds(objects)).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
    expect(objects[2]).toMatchObject({
      roleRef: { kind: 'Role', name: ARGO_ACCOUNT },
      subjects: [
        { kind: 'ServiceAccount', name: ARGO_ACCOUNT, namespace: 'knot-alice' },
      ],
    });
    expect(afterObjects[0].metadata.name).toBe(ARGO_TOKEN_SECRET);
  });

  it('binds to a configured ClusterRole and writes no Role', () => {
    const { objects } = argoWorkflowsObjects(
      alice,
      'knot-alice',
      {},
      'knot-argo-workflows',
    );
    expect(kinds(objects)).toEqual(['ServiceAccount', 'RoleBinding']);
    expect(objects[1]).toMatchObject({
      metadata: { namespace: 'knot-alice' },
      roleRef: { kind: 'ClusterRole', name: 'knot-argo-workflows' },
    });
  });

  it('keeps the account but no binding for a deactivated profile', () => {
    const { objects, absent } = argoWorkflowsObjects(
      { ...alice, active: false },
      'knot-alice',
      {},
      'knot-argo-workflows',
    );
    expect(kinds(objects)).toEqual(['ServiceAccount']);
    expect(absent).toEqual([
      expect.objectContaining({ kind: 'RoleBinding', name: ARGO_ACCOUNT }),
    ]);
  });

  it('matches the user by sub and a team by its name in groups', () => {
    expect(argoRbacRule(alice)).toBe("sub == 'alice'");
    expect(argoRbacRule(team)).toBe("'vision' in (get($env, 'groups') ?? [])");
    expect(() => argoRbacRule({ ...alice, name: "x' || true || '" })).toThrow(
      /invalid profile name/,
    );
  });
});
