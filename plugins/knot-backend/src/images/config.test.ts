import { ConfigReader } from '@backstage/config';
import { readImagesConfig } from './config';

const withRegistry = (registry: object) =>
  readImagesConfig(
    new ConfigReader({
      knot: {
        images: { registry: { url: 'http://127.0.0.1:5000', ...registry } },
      },
    }),
  );

describe('readImagesConfig: browser pushes', () => {
  const browserPushUrl = 'https://knot.example.org';

  it("refuses browserPushUrl without the ingress's key, or with a short one", () => {
    for (const pushAuthKey of [undefined, 'k'.repeat(31)]) {
      expect(() => withRegistry({ browserPushUrl, pushAuthKey })).toThrow(
        /knot\.images\.registry\.pushAuthKey must be set, at least 32 characters, with browserPushUrl/,
      );
    }
  });

  it('takes a key of 32 characters or more, and needs none without browserPushUrl', () => {
    const pushAuthKey = 'k'.repeat(32);
    expect(
      withRegistry({ browserPushUrl, pushAuthKey }).registry,
    ).toMatchObject({ browserPushUrl, pushAuthKey });
    expect(withRegistry({}).registry?.pushAuthKey).toBeUndefined();
  });
});

describe('readImagesConfig: areas', () => {
  it("refuses profiles' areas in the shared area", () => {
    expect(() =>
      readImagesConfig(
        new ConfigReader({
          knot: {
            images: { areas: { shared: 'pub', profile: 'pub/{profile}' } },
          },
        }),
      ),
    ).toThrow(
      /knot\.images\.areas\.profile must not lie in the shared area \(pub\/\)/,
    );
  });
});
