// A realistic AdmissionReview: a chart-style Deployment (labels, annotations,
// init container, probes, resources, env, a ConfigMap volume) created in
// alice's namespace, as the API server sends it to /mutate.
export const review = {
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
    kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
    resource: { group: 'apps', version: 'v1', resource: 'deployments' },
    requestKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
    requestResource: { group: 'apps', version: 'v1', resource: 'deployments' },
    name: 'notebook',
    namespace: 'knot-alice',
    operation: 'CREATE',
    userInfo: {
      username: 'system:serviceaccount:knot:knot-backend',
      uid: '2b3c1f9e-1d2a-4c57-9d1f-0f4cbd4bd7a1',
      groups: [
        'system:serviceaccounts',
        'system:serviceaccounts:knot',
        'system:authenticated',
      ],
    },
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'notebook',
        namespace: 'knot-alice',
        labels: {
          'app.kubernetes.io/name': 'jupyter',
          'app.kubernetes.io/instance': 'notebook',
          'app.kubernetes.io/version': '4.2.5',
          'app.kubernetes.io/managed-by': 'Helm',
          'helm.sh/chart': 'jupyter-1.3.0',
        },
        annotations: {
          'meta.helm.sh/release-name': 'notebook',
          'meta.helm.sh/release-namespace': 'knot-alice',
        },
      },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 3,
        strategy: { type: 'Recreate' },
        selector: {
          matchLabels: {
            'app.kubernetes.io/name': 'jupyter',
            'app.kubernetes.io/instance': 'notebook',
          },
        },
        template: {
          metadata: {
            labels: {
              'app.kubernetes.io/name': 'jupyter',
              'app.kubernetes.io/instance': 'notebook',
            },
            annotations: {
              'checksum/config':
                'a3f1c2d4e5b6978877665544332211ffeeddccbbaa99887766554433221100aa',
            },
          },
          spec: {
            securityContext: { runAsUser: 1000, runAsGroup: 100, fsGroup: 100 },
            initContainers: [
              {
                name: 'fix-permissions',
                image: 'busybox:1.36',
                command: ['sh', '-c', 'chown -R 1000:100 /home/jovyan || true'],
                resources: { limits: { cpu: '100m', memory: '64Mi' } },
              },
            ],
            containers: [
              {
                name: 'jupyter',
                image: 'quay.io/jupyter/scipy-notebook:2024-10-07',
                imagePullPolicy: 'IfNotPresent',
                args: [
                  'start-notebook.py',
                  '--ServerApp.base_url=/',
                  '--ServerApp.token=',
                ],
                ports: [{ name: 'http', containerPort: 8888, protocol: 'TCP' }],
                env: [
                  { name: 'JUPYTER_ENABLE_LAB', value: 'yes' },
                  { name: 'GRANT_SUDO', value: 'no' },
                  { name: 'TZ', value: 'UTC' },
                  {
                    name: 'POD_NAME',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
                  },
                ],
                resources: {
                  requests: { cpu: '500m', memory: '1Gi' },
                  limits: { cpu: '2', memory: '4Gi' },
                },
                readinessProbe: {
                  httpGet: { path: '/api', port: 'http' },
                  periodSeconds: 10,
                },
                livenessProbe: {
                  httpGet: { path: '/api', port: 'http' },
                  initialDelaySeconds: 30,
                  periodSeconds: 20,
                },
                volumeMounts: [
                  {
                    name: 'config',
                    mountPath: '/etc/jupyter/jupyter_server_config.py',
                    subPath: 'config.py',
                  },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: 'notebook-config' } },
            ],
          },
        },
      },
    },
    oldObject: null,
    dryRun: false,
    options: {
      apiVersion: 'meta.k8s.io/v1',
      kind: 'CreateOptions',
      fieldManager: 'helm',
    },
  },
};
