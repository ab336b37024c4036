import { USERNAME_PATTERN } from '@knot-platform/plugin-knot-common';
import type { AbsentObject, KnotObject } from './manifests';
import type { ProvisioningTarget } from './ProfileSource';

/**
 * What Argo Workflows' SSO RBAC needs in each profile namespace, so that a
 * user signed in to Argo with Knot's OIDC provider (and a team's members)
 * may see and submit workflows in the profile's namespace only.
 *
 * Argo's server (`--auth-mode=sso`, `sso.rbac.enabled`, and
 * `SSO_DELEGATE_RBAC_TO_NAMESPACE=true`) looks in the namespace a request
 * is for for ServiceAccounts annotated with `workflows.argoproj.io/rbac-rule`,
 * evaluates each rule (expr-lang) against the ID token's claims, and acts
 * with the token of the first match (highest `rbac-rule-precedence`); the
 * token is the Secret `<account>.service-account-token`.
 */
export const ARGO_ACCOUNT = 'argo-workflows';
export const ARGO_TOKEN_SECRET = `${ARGO_ACCOUNT}.service-account-token`;
export const ARGO_RBAC_RULE = 'workflows.argoproj.io/rbac-rule';
export const ARGO_RBAC_RULE_PRECEDENCE =
  'workflows.argoproj.io/rbac-rule-precedence';
/**
 * Above the SSO namespace's catch-all account (Argo's docs give it 0), so
 * that a matching profile account wins in its own namespace.
 */
export const ARGO_PRECEDENCE = '1';

/** The workflow resources a profile's members manage in its namespace. */
export const ARGO_ROLE_RULES = [
  {
    apiGroups: ['argoproj.io'],
    resources: [
      'workflows',
      'workflowtemplates',
      'cronworkflows',
      'workfloweventbindings',
    ],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  // Argo's UI shows the steps' pods, their logs and events.
  {
    apiGroups: [''],
    resources: ['pods', 'pods/log', 'events'],
    verbs: ['get', 'list', 'watch'],
  },
];

/**
 * The rule matching who may act as the profile. Argo sees only the claims
 * its own type keeps (`sub`, `groups`, `email`, `preferred_username`, ...;
 * not `knot_*`), and a name a token lacks (`groups` of a user in no team)
 * fails the whole rule unless read through `get($env, ...)`.
 */
export function argoRbacRule(target: ProvisioningTarget): string {
  // Profile names are DNS labels: nothing to escape inside quotes.
  if (!USERNAME_PATTERN.test(target.name)) {
    throw new Error(`invalid profile name '${target.name}'`);
  }
  return target.isTeam
    ? `'${target.name}' in (get($env, 'groups') ?? [])`
    : `sub == '${target.name}'`;
}

/**
 * The profile's Argo account, its token Secret, and its RoleBinding to the
 * workflow rights: the Role below, or `clusterRole` when configured (then
 * no Role is written, and the portal needs only `bind` on that ClusterRole,
 * not the rights). They go with the namespace. A deactivated profile keeps
 * the account but loses the binding, like Knot's own.
 */
export function argoWorkflowsObjects(
  target: ProvisioningTarget,
  namespace: string,
  labels: Record<string, string>,
  clusterRole?: string,
): {
  objects: KnotObject[];
  /** The token Secret: after its ServiceAccount exists. */
  afterObjects: KnotObject[];
  absent: AbsentObject[];
} {
  const meta = (name: string, annotations?: Record<string, string>) => ({
    name,
    namespace,
    labels,
    ...(annotations && { annotations }),
  });
  const objects: KnotObject[] = [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(ARGO_ACCOUNT, {
        [ARGO_RBAC_RULE]: argoRbacRule(target),
        [ARGO_RBAC_RULE_PRECEDENCE]: ARGO_PRECEDENCE,
      }),
    },
  ];
  if (!clusterRole) {
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(ARGO_ACCOUNT),
      rules: ARGO_ROLE_RULES,
    });
  }
  const afterObjects: KnotObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: meta(ARGO_TOKEN_SECRET, {
        'kubernetes.io/service-account.name': ARGO_ACCOUNT,
      }),
    },
  ];
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    name: ARGO_ACCOUNT,
    namespace,
  };
  if (!target.active) return { objects, afterObjects, absent: [binding] };
  objects.push({
    apiVersion: binding.apiVersion,
    kind: binding.kind,
    metadata: meta(ARGO_ACCOUNT),
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: clusterRole ? 'ClusterRole' : 'Role',
      name: clusterRole ?? ARGO_ACCOUNT,
    },
    subjects: [{ kind: 'ServiceAccount', name: ARGO_ACCOUNT, namespace }],
  });
  return { objects, afterObjects, absent: [] };
}
