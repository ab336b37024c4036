import { ImageAreas } from './imageAreas';

const areas = (shared: string, profile = '{profile}') =>
  ({ shared, profile, sharedUploads: 'admins' } as const);

describe('ImageAreas', () => {
  it('gives a profile its own area and the shared one, by whole path components', () => {
    const alice = new ImageAreas(areas('shared'), 'alice');
    expect(alice.areaOf('alice/env')).toBe('profile');
    expect(alice.areaOf('shared/base')).toBe('shared');
    expect(new ImageAreas(areas('shared'), 'al').areaOf('alice/env')).toBe(
      undefined,
    );
    expect(() => alice.checkUpload('alice/env', false)).not.toThrow();
    expect(() => alice.checkUpload('shared/base', false)).toThrow(
      'Only admins may upload into the shared area (shared/): use alice/',
    );
  });

  it.each([
    [
      'named like the shared area',
      'library',
      '{profile}',
      'library',
      'library/base',
    ],
    [
      'whose area holds the shared area',
      'users/shared',
      'users/{profile}',
      'shared',
      'users/shared/base',
    ],
    [
      'whose area holds it from above',
      'lab/images',
      '{profile}',
      'lab',
      'lab/images/base',
    ],
    [
      'whose area lies in the shared area',
      'lab',
      '{profile}/images',
      'lab',
      'lab/images/base',
    ],
  ])(
    'gives a profile %s no area of its own: the shared area keeps its rules',
    (_, shared, profile, name, repository) => {
      const owner = new ImageAreas(areas(shared, profile), name);
      expect(owner.areaOf(repository)).toBe('shared');
      expect(() => owner.checkUpload(repository, false)).toThrow(
        /Only admins may upload into the shared area/,
      );
      expect(() => owner.checkUpload(repository, true)).not.toThrow();
    },
  );

  it('says so when such a profile uploads elsewhere', () => {
    const library = new ImageAreas(areas('library'), 'library');
    expect(() => library.checkUpload('other/x', false)).toThrow(
      "This profile has no area of its own: library/ would be the shared area's (library/)",
    );
  });
});
