import {
  createProfileNamespace,
  describeWithCluster,
  helmValues,
  mergeConfig,
  servicesTestConfigData,
  testKubeClient,
  testUsername,
  uninstallReleases,
} from '@knot-platform/knot-test-utils';
import { startInstallAction } from './__testUtils__/installAction';

jest.setTimeout(120_000);

describeWithCluster(
  'knot:helm:install against the real cluster and helm',
  () => {
    const user = testUsername('svc');
    let profile: Awaited<ReturnType<typeof createProfileNamespace>>;
    let run: Awaited<ReturnType<typeof startInstallAction>>['run'];

    beforeAll(async () => {
      profile = await createProfileNamespace(user);
      ({ run } = await startInstallAction({
        config: mergeConfig(servicesTestConfigData(), {
          knot: {
            services: {
              urlScheme: 'https',
              urls: { argoWorkflowsUrl: 'https://argo.knot.test' },
            },
          },
        }),
      }));
    });
    afterAll(async () => {
      await uninstallReleases(profile.namespace);
      await profile.remove();
    });

    it('installs hello-kubernetes into the profile namespace with the knot values', async () => {
      const { ctx, logger, done } = run(
        {
          chart: 'hello-kubernetes',
          name: 'hello',
          values: { message: 'Hi there', knot: { hostname: 'evil.example' } },
        },
        user,
      );
      await done;
      expect(ctx.output).toHaveBeenCalledWith('release', 'hello');
      expect(ctx.output).toHaveBeenCalledWith('namespace', `knot-${user}`);
      expect(ctx.output).toHaveBeenCalledWith(
        'url',
        `https://hello-${user}.knot.test/`,
      );
      expect(ctx.output).toHaveBeenCalledWith(
        'entityRef',
        `component:default/hello-${user}`,
      );
      // helm's own output is streamed to the task log.
      const logged = (logger.info as jest.Mock).mock.calls
        .map(c => c[0])
        .join('\n');
      expect(logged).toContain('STATUS: deployed');

      const apps = testKubeClient(lib => lib.AppsV1Api);
      const deployment = await apps.readNamespacedDeployment({
        name: 'hello',
        namespace: `knot-${user}`,
      });
      const env = deployment.spec!.template.spec!.containers[0].env!;
      expect(env).toEqual(
        expect.arrayContaining([
          { name: 'MESSAGE', value: 'Hi there' },
          { name: 'KNOT_HOSTNAME', value: `hello-${user}.knot.test` },
        ]),
      );
      expect(
        deployment.spec!.template.metadata!.labels![
          'backstage.io/kubernetes-id'
        ],
      ).toBe('hello');
      const networking = testKubeClient(lib => lib.NetworkingV1Api);
      const ingress = await networking.readNamespacedIngress({
        name: 'hello',
        namespace: `knot-${user}`,
      });
      expect(ingress.spec!.rules![0].host).toBe(`hello-${user}.knot.test`);

      const values = await helmValues('hello', `knot-${user}`);
      expect(values.knot).toMatchObject({
        enabled: true,
        hostname: `hello-${user}.knot.test`,
        username: user,
        namespace: `knot-${user}`,
        ingressUrl: 'http://portal.test',
        privateDir: '/private',
        privateVolume: 'knot-private',
        sharedDir: '/shared',
        sharedVolume: 'knot-shared',
        argoWorkflowsUrl: 'https://argo.knot.test',
      });
    });

    it('adds a suffix when the release name is taken', async () => {
      const { ctx, done } = run(
        { chart: 'hello-kubernetes', name: 'hello' },
        user,
      );
      await done;
      expect(ctx.output).toHaveBeenCalledWith('release', 'hello-2');
    });

    it('installs a singleton chart once per profile', async () => {
      await run({ chart: 'file-browser', name: 'files' }, user).done;
      await expect(
        run({ chart: 'file-browser', name: 'files' }, user).done,
      ).rejects.toThrow(
        `File Browser can be deployed once per profile and '${user}' already runs it as 'files'`,
      );
    });

    it('refuses other profiles, unknown charts, bad names and missing namespaces', async () => {
      await expect(
        run({ chart: 'hello-kubernetes', name: 'x', profile: 'someone' }, user)
          .done,
      ).rejects.toThrow("You may not act as profile 'someone'");
      await expect(
        run({ chart: 'nope', name: 'x' }, user).done,
      ).rejects.toThrow("No chart 'nope' is offered");
      await expect(
        run({ chart: 'hello-kubernetes', name: 'Bad_Name' }, user).done,
      ).rejects.toThrow("Invalid service name 'Bad_Name'");
      await expect(
        run({ chart: 'hello-kubernetes', name: 'x' }, 'nobody0').done,
      ).rejects.toThrow("Profile 'nobody0' has no namespace knot-nobody0 yet");
      await expect(
        run({ chart: 'hello-kubernetes', name: 'x' }).done,
      ).rejects.toThrow('needs a signed-in user');
    });
  },
);
