import { parseAuthChallenge } from './authChallenge';

describe('parseAuthChallenge', () => {
  it('reads a Bearer challenge as Harbor and distribution send it', () => {
    expect(
      parseAuthChallenge(
        'Bearer realm="https://harbor.example.org/service/token",service="harbor-registry",scope="repository:library/app:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://harbor.example.org/service/token',
        service: 'harbor-registry',
        scope: 'repository:library/app:pull,push',
      },
    });
  });

  it('reads Basic, unquoted values, spaces and escaped quotes', () => {
    expect(parseAuthChallenge('Basic realm="Registry \\"x\\""')).toEqual({
      scheme: 'basic',
      params: { realm: 'Registry "x"' },
    });
    expect(
      parseAuthChallenge('bearer  Realm = http://t/token , service=reg'),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'http://t/token', service: 'reg' },
    });
    expect(parseAuthChallenge('Bearer')).toEqual({
      scheme: 'bearer',
      params: {},
    });
  });

  it('keeps only the first of several challenges', () => {
    expect(
      parseAuthChallenge('Bearer realm="http://t/token", Basic realm="r"'),
    ).toEqual({ scheme: 'bearer', params: { realm: 'http://t/token' } });
  });

  it('answers undefined for a missing or unreadable header', () => {
    expect(parseAuthChallenge(undefined)).toBeUndefined();
    expect(parseAuthChallenge(null)).toBeUndefined();
    expect(parseAuthChallenge('   ')).toBeUndefined();
    expect(parseAuthChallenge('="x"')).toBeUndefined();
  });
});
