import type { Entity } from '@backstage/catalog-model';
import {
  AUDIENCE_ANNOTATION,
  AUDIENCE_RULE,
  EVERYONE_AUDIENCE,
  NOBODY_AUDIENCE,
} from '@knot-platform/plugin-knot-common';
import { KnotAudienceProcessor, knotAudienceRule } from './audience';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'x', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'user:default/x' },
  };
}

async function audienceOf(annotations: Record<string, string>) {
  const processed = await new KnotAudienceProcessor().postProcessEntity(
    entity(annotations),
  );
  return processed.metadata.annotations;
}

describe('KnotAudienceProcessor', () => {
  it("stamps everyone on an entity of no profile, the profile's name on a profile's", async () => {
    expect(await audienceOf({ a: 'b' })).toEqual({
      a: 'b',
      [AUDIENCE_ANNOTATION]: EVERYONE_AUDIENCE,
    });
    expect(await audienceOf({ 'knot/profile': 'alice' })).toEqual({
      'knot/profile': 'alice',
      [AUDIENCE_ANNOTATION]: 'alice',
    });
    expect(
      (await audienceOf({ 'knot/chart-profile': 'T' }))?.[AUDIENCE_ANNOTATION],
    ).toBe('t');
    // As the catalog's search reads them: keys without regard to case.
    expect(
      (await audienceOf({ 'Knot/Profile': 'alice' }))?.[AUDIENCE_ANNOTATION],
    ).toBe('alice');
    expect(
      (
        await audienceOf({
          'knot/profile': 'alice',
          'knot/chart-profile': 'alice',
        })
      )?.[AUDIENCE_ANNOTATION],
    ).toBe('alice');
  });

  it('stamps nobody (admins only) on an entity naming two profiles', async () => {
    expect(
      (
        await audienceOf({
          'knot/profile': 'alice',
          'knot/chart-profile': 'bob',
        })
      )?.[AUDIENCE_ANNOTATION],
    ).toBe(NOBODY_AUDIENCE);
  });

  it('replaces any audience the entity came with, under any spelling', async () => {
    expect(
      await audienceOf({
        'knot/profile': 'alice',
        [AUDIENCE_ANNOTATION]: EVERYONE_AUDIENCE,
        'Knot/Audience': EVERYONE_AUDIENCE,
      }),
    ).toEqual({ 'knot/profile': 'alice', [AUDIENCE_ANNOTATION]: 'alice' });
    expect(await audienceOf({ [AUDIENCE_ANNOTATION]: 'alice' })).toEqual({
      [AUDIENCE_ANNOTATION]: EVERYONE_AUDIENCE,
    });
  });

  it('runs after the other processors', () => {
    expect(new KnotAudienceProcessor().getPriority()).toBeGreaterThan(20);
  });
});

describe('knotAudienceRule', () => {
  it('filters in the database on the one audience key, values in', () => {
    expect(knotAudienceRule.name).toBe(AUDIENCE_RULE);
    expect(
      knotAudienceRule.toQuery({ audiences: [EVERYONE_AUDIENCE, 'alice'] }),
    ).toEqual({
      key: `metadata.annotations.${AUDIENCE_ANNOTATION}`,
      values: [EVERYONE_AUDIENCE, 'alice'],
    });
  });

  it('matches an entity of the audiences only, never one that is not stamped', () => {
    const apply = (annotations: Record<string, string>, audiences: string[]) =>
      knotAudienceRule.apply(entity(annotations), { audiences });
    expect(apply({ [AUDIENCE_ANNOTATION]: '*' }, ['*', 'bob'])).toBe(true);
    expect(apply({ [AUDIENCE_ANNOTATION]: 'alice' }, ['*', 'bob'])).toBe(false);
    expect(apply({ [AUDIENCE_ANNOTATION]: 'alice' }, ['*', 'Alice'])).toBe(
      true,
    );
    expect(apply({ [AUDIENCE_ANNOTATION]: NOBODY_AUDIENCE }, ['*'])).toBe(
      false,
    );
    // Written before Knot stamped audiences: nobody's until processed.
    expect(apply({ 'knot/profile': 'alice' }, ['*', 'alice'])).toBe(false);
    expect(apply({}, ['*'])).toBe(false);
  });
});
