import { HARBOR_ROLES, HarborClient } from './HarborClient';
import { startFakeHarbor, type FakeHarbor } from './__testUtils__/fakeHarbor';
import { SpecViolation, SwaggerSpec } from './__testUtils__/swaggerSpec';

// Every request below is checked by the fake against Knot's description of
// the Harbor API it calls (__testUtils__/harbor-api.yaml); no Harbor server
// runs.
const admin = { username: 'admin', password: 'Harbor12345' };

describe('HarborClient against Harbor’s API description', () => {
  let harbor: FakeHarbor;
  let client: HarborClient;

  beforeEach(async () => {
    harbor = await startFakeHarbor({ admin });
    client = new HarborClient({ url: harbor.url, ...admin });
  });
  afterEach(async () => {
    try {
      harbor.assertNoViolations();
    } finally {
      await harbor.stop();
    }
  });

  it('creates a private project once, and reads it by name', async () => {
    expect(await client.getProject('alice')).toBeUndefined();
    expect(await client.createProject('alice')).toBe(true);
    expect(await client.createProject('alice')).toBe(false);
    expect(await client.getProject('alice')).toMatchObject({
      name: 'alice',
      metadata: { public: 'false' },
    });
    // A profile named like a number is a name, not a project id.
    await client.createProject('42');
    expect((await client.getProject('42'))?.name).toBe('42');
    expect(harbor.calls).toContain('POST /projects');
  });

  it('adds, changes and removes members; an unknown user is not added', async () => {
    await client.createProject('team');
    harbor.users.add('alice');
    expect(
      await client.addMember('team', 'alice', HARBOR_ROLES.developer),
    ).toBe(true);
    expect(await client.addMember('team', 'bob', HARBOR_ROLES.guest)).toBe(
      false,
    );
    const alice = (await client.listMembers('team')).find(
      m => m.entity_name === 'alice',
    )!;
    expect(alice.role_id).toBe(HARBOR_ROLES.developer);
    await client.setMemberRole('team', alice.id!, HARBOR_ROLES.maintainer);
    expect(
      (await client.listMembers('team')).find(m => m.entity_name === 'alice')
        ?.role_id,
    ).toBe(HARBOR_ROLES.maintainer);
    await client.removeMember('team', alice.id!);
    expect((await client.listMembers('team')).map(m => m.entity_name)).toEqual([
      'admin',
    ]);
  });

  it('pages through more than 100 members', async () => {
    await client.createProject('big');
    for (let i = 0; i < 130; i++) {
      harbor.users.add(`u${i}`);
      harbor.projects
        .get('big')!
        .members.push({ id: 1000 + i, username: `u${i}`, role_id: 3 });
    }
    expect(await client.listMembers('big')).toHaveLength(131);
  });

  it('creates, finds, updates, refreshes and deletes a system robot', async () => {
    const permissions = [
      {
        kind: 'project' as const,
        namespace: 'alice',
        access: [{ resource: 'repository', action: 'pull' }],
      },
    ];
    const created = await client.createRobot({
      name: 'knot-alice',
      description: 'pulls',
      permissions,
      disable: false,
    });
    expect(created.name).toBe('robot$knot-alice');
    expect(created.secret).toBeTruthy();
    const robot = (await client.findSystemRobot('knot-alice'))!;
    expect(robot).toMatchObject({ id: created.id, name: 'robot$knot-alice' });
    expect(await client.findSystemRobot('knot-bob')).toBeUndefined();
    await client.updateRobot({ ...robot, disable: true });
    expect(harbor.robots.get(created.id)?.disable).toBe(true);
    const secret = await client.refreshRobotSecret(robot);
    expect(secret).not.toBe(created.secret);
    expect(harbor.robots.get(created.id)?.secret).toBe(secret);
    await client.deleteRobot(robot);
    expect(await client.findSystemRobot('knot-alice')).toBeUndefined();
    expect(harbor.calls).toEqual([
      'POST /robots',
      'GET /robots',
      'GET /robots',
      'PUT /robots/{robot_id}',
      'PATCH /robots/{robot_id}',
      'DELETE /robots/{robot_id}',
      'GET /robots',
    ]);
  });

  it("says in Harbor's words what it could not do", async () => {
    const wrong = new HarborClient({
      url: harbor.url,
      username: 'admin',
      password: 'wrong',
    });
    await expect(wrong.getProject('alice')).rejects.toThrow(
      'Harbor refused to read project alice (401 UNAUTHORIZED: unauthorized)',
    );
    await harbor.stop();
    await expect(client.getProject('alice')).rejects.toThrow(
      /^Harbor cannot be reached to read project alice: /,
    );
    harbor = await startFakeHarbor({ admin });
  });
});

describe('the description check itself', () => {
  const spec = SwaggerSpec.harbor();
  const check = (method: string, path: string, body?: unknown) =>
    spec.checkRequest({
      method,
      url: new URL(`http://h/api/v2.0${path}`),
      headers: {},
      body,
    });

  it('accepts what Harbor describes', () => {
    expect(
      check('POST', '/projects', {
        project_name: 'alice',
        metadata: { public: 'false' },
      }).operationId,
    ).toBe('createProject');
    expect(check('PATCH', '/robots/7', {}).operationId).toBe('RefreshSec');
  });

  it.each([
    ['a path Harbor does not have', 'GET', '/robots/search/alice', undefined],
    ['a method the path does not take', 'PATCH', '/projects/alice', {}],
    ['a misspelt body field', 'POST', '/projects', { name: 'alice' }],
    [
      'a body field of the wrong type',
      'POST',
      '/projects',
      { project_name: 'alice', metadata: { public: false } },
    ],
    ['a missing required body', 'POST', '/robots', undefined],
    ['a non-integer robot id', 'DELETE', '/robots/abc', undefined],
    ['an undeclared query parameter', 'GET', '/robots?name=x', undefined],
    ['a page size above 100', 'GET', '/robots?page_size=500', undefined],
  ])('refuses %s', (_what, method, path, body) => {
    expect(() => check(method, path, body)).toThrow(SpecViolation);
  });

  it('refuses an answer Harbor does not describe', () => {
    const op = check('GET', '/projects/alice');
    expect(() => spec.checkResponse(op, 200, { name: 7 })).toThrow(
      SpecViolation,
    );
    expect(() => spec.checkResponse(op, 418, undefined)).toThrow(SpecViolation);
  });
});
