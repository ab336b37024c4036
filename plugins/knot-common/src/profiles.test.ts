import {
  RESERVED_USERNAMES,
  USERNAME_PATTERN,
  profileNamespace,
} from './profiles';

describe('profile naming', () => {
  it('prefixes namespaces', () => {
    expect(profileNamespace('alice')).toBe('knot-alice');
    expect(profileNamespace('alice', 'lab-')).toBe('lab-alice');
  });

  it.each(['alice', 'a', 'team-42', 'b0b'])('accepts %p', name => {
    expect(USERNAME_PATTERN.test(name)).toBe(true);
  });

  it.each(['Alice', '-bob', 'bob-', '1abc', 'a_b', 'a.b', '', 'x'.repeat(33)])(
    'refuses %p',
    name => {
      expect(USERNAME_PATTERN.test(name)).toBe(false);
    },
  );

  it('reserves system names, which are valid labels otherwise', () => {
    for (const name of RESERVED_USERNAMES) {
      expect(USERNAME_PATTERN.test(name)).toBe(true);
    }
  });
});
