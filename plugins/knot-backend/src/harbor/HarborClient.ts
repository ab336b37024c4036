/**
 * The part of Harbor's API v2.0 (`/api/v2.0`, Harbor's published
 * `swagger.yaml`) Knot uses to give each profile its own project, its
 * members and a pull-only robot account. Knot signs in with the admin
 * credentials of `knot.integrations.harbor.api` (Basic authentication).
 */

/** A project (`#/definitions/Project`, the fields Knot reads). */
export interface HarborProject {
  project_id?: number;
  name?: string;
  metadata?: { public?: string };
}

/** A project member (`#/definitions/ProjectMemberEntity`). */
export interface HarborMember {
  id?: number;
  entity_name?: string;
  entity_type?: string;
  role_id?: number;
}

/** One permission of a robot (`#/definitions/RobotPermission`). */
export interface HarborRobotPermission {
  kind: 'project';
  namespace: string;
  access: Array<{ resource: string; action: string }>;
}

/** A robot account (`#/definitions/Robot`). */
export interface HarborRobot {
  id?: number;
  /** With Harbor's prefix (`robot$` unless Harbor is configured otherwise). */
  name?: string;
  description?: string;
  level?: string;
  duration?: number | null;
  editable?: boolean;
  disable?: boolean;
  /** Unix seconds; -1 or 0 when it never expires. */
  expires_at?: number;
  permissions?: HarborRobotPermission[];
  [field: string]: unknown;
}

/** Harbor's project roles (`role_id`). */
export const HARBOR_ROLES = {
  projectAdmin: 1,
  developer: 2,
  guest: 3,
  maintainer: 4,
} as const;

/** An answer of Harbor's other than the expected ones, in Harbor's words. */
export class HarborApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'HarborApiError';
  }
}

const PAGE_SIZE = 100;

export class HarborClient {
  private readonly api: string;
  private readonly authorization: string;

  constructor(options: {
    /** Harbor's URL (`https://harbor.example.org`). */
    url: string;
    username: string;
    password: string;
  }) {
    this.api = `${options.url.replace(/\/+$/, '')}/api/v2.0`;
    this.authorization = `Basic ${Buffer.from(
      `${options.username}:${options.password}`,
    ).toString('base64')}`;
  }

  /** The project of that name, or undefined. */
  async getProject(name: string): Promise<HarborProject | undefined> {
    const res = await this.request('GET', `/projects/${enc(name)}`, {
      byName: true,
      ok: [200, 404],
      what: `read project ${name}`,
    });
    return res.status === 404 ? undefined : (res.body as HarborProject);
  }

  /** Creates a private project; false when it existed already (409). */
  async createProject(name: string): Promise<boolean> {
    const res = await this.request('POST', '/projects', {
      body: { project_name: name, metadata: { public: 'false' } },
      ok: [201, 409],
      what: `create project ${name}`,
    });
    return res.status === 201;
  }

  /** Every member of a project (all pages). */
  async listMembers(project: string): Promise<HarborMember[]> {
    const members: HarborMember[] = [];
    for (let page = 1; ; page++) {
      const res = await this.request(
        'GET',
        `/projects/${enc(project)}/members?page=${page}&page_size=${PAGE_SIZE}`,
        { byName: true, what: `list the members of project ${project}` },
      );
      const items = (res.body ?? []) as HarborMember[];
      members.push(...items);
      if (items.length < PAGE_SIZE) return members;
    }
  }

  /**
   * Adds a Harbor user by name. False when Harbor does not know the user
   * (404): with OIDC sign-in, a user exists in Harbor only after signing
   * in to it once.
   */
  async addMember(
    project: string,
    username: string,
    roleId: number,
  ): Promise<boolean> {
    const res = await this.request(
      'POST',
      `/projects/${enc(project)}/members`,
      {
        byName: true,
        body: { role_id: roleId, member_user: { username } },
        ok: [201, 404],
        what: `add ${username} to project ${project}`,
      },
    );
    return res.status === 201;
  }

  async setMemberRole(project: string, memberId: number, roleId: number) {
    await this.request('PUT', `/projects/${enc(project)}/members/${memberId}`, {
      byName: true,
      body: { role_id: roleId },
      what: `change a member's role in project ${project}`,
    });
  }

  async removeMember(project: string, memberId: number) {
    await this.request(
      'DELETE',
      `/projects/${enc(project)}/members/${memberId}`,
      {
        byName: true,
        ok: [200, 404],
        what: `remove a member from project ${project}`,
      },
    );
  }

  /**
   * The system-level robot of that name (as created, without Harbor's
   * prefix), or undefined.
   */
  async findSystemRobot(name: string): Promise<HarborRobot | undefined> {
    const q = encodeURIComponent(`Level=system,name=${name}`);
    const res = await this.request(
      'GET',
      `/robots?q=${q}&page_size=${PAGE_SIZE}`,
      {
        what: `look up robot account ${name}`,
      },
    );
    const robots = (res.body ?? []) as HarborRobot[];
    // Harbor's exact match; the prefix is Harbor's configuration.
    return robots.find(r => r.name === name || r.name?.endsWith(`$${name}`));
  }

  /** Creates a robot; Harbor makes its secret, shown only this once. */
  async createRobot(robot: {
    name: string;
    description: string;
    permissions: HarborRobotPermission[];
    disable: boolean;
  }): Promise<{ id: number; name: string; secret: string }> {
    const res = await this.request('POST', '/robots', {
      body: { ...robot, level: 'system', duration: -1 },
      ok: [201],
      what: `create robot account ${robot.name}`,
    });
    const created = (res.body ?? {}) as {
      id?: number;
      name?: string;
      secret?: string;
    };
    if (!created.id || !created.name || !created.secret) {
      throw new HarborApiError(
        `Harbor created robot account ${robot.name} but did not return its id, name and secret`,
        502,
      );
    }
    return { id: created.id, name: created.name, secret: created.secret };
  }

  /** Writes a robot back whole (permissions, disable) as Harbor wants. */
  async updateRobot(robot: HarborRobot) {
    await this.request('PUT', `/robots/${robot.id}`, {
      body: robot,
      what: `update robot account ${robot.name}`,
    });
  }

  /** A new secret for the robot, made by Harbor; the old one stops working. */
  async refreshRobotSecret(robot: HarborRobot): Promise<string> {
    const res = await this.request('PATCH', `/robots/${robot.id}`, {
      body: {},
      what: `refresh the secret of robot account ${robot.name}`,
    });
    const { secret } = (res.body ?? {}) as { secret?: string };
    if (!secret) {
      throw new HarborApiError(
        `Harbor refreshed robot account ${robot.name} but did not return its secret`,
        502,
      );
    }
    return secret;
  }

  async deleteRobot(robot: HarborRobot) {
    await this.request('DELETE', `/robots/${robot.id}`, {
      ok: [200, 404],
      what: `delete robot account ${robot.name}`,
    });
  }

  private async request(
    method: string,
    path: string,
    options: {
      body?: unknown;
      /** The path names a project by name (`X-Is-Resource-Name`). */
      byName?: boolean;
      ok?: number[];
      /** What Knot tried, for the error message. */
      what: string;
    },
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {
      Authorization: this.authorization,
      Accept: 'application/json',
    };
    // A profile named like a number must not be read as a project id.
    if (options.byName) headers['X-Is-Resource-Name'] = 'true';
    if (options.body !== undefined)
      headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.api}${path}`, {
      method,
      headers,
      body:
        options.body === undefined ? undefined : JSON.stringify(options.body),
    }).catch(error => {
      throw new HarborApiError(
        `Harbor cannot be reached to ${options.what}: ${
          error.cause?.message ?? error.message
        }`,
        503,
      );
    });
    const text = await res.text().catch(() => '');
    if ((options.ok ?? [200]).includes(res.status)) {
      try {
        return {
          status: res.status,
          body: text ? JSON.parse(text) : undefined,
        };
      } catch {
        throw new HarborApiError(
          `Harbor answered ${options.what} with something that is not JSON`,
          502,
        );
      }
    }
    let detail = text.slice(0, 300);
    try {
      const errors = (
        JSON.parse(text) as {
          errors?: Array<{ code?: string; message?: string }>;
        }
      ).errors;
      if (errors?.length) {
        detail = errors.map(e => `${e.code}: ${e.message}`).join('; ');
      }
    } catch {
      // not Harbor's error body: its text as is
    }
    throw new HarborApiError(
      `Harbor refused to ${options.what} (${res.status}${
        detail ? ` ${detail}` : ''
      })`,
      res.status,
    );
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
