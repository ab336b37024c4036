import {
  isReservedUsername,
  RESERVED_USERNAMES,
  USERNAME_PATTERN,
  profileNamespace,
} from './profiles';
import { usernameProblem } from './users';

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

  it.each([
    'guest',
    'admin',
    'root',
    'default',
    'system',
    'kube-system',
    'kube-node-lease',
    'knot-system',
    'system-x',
  ])('reserves %p', name => {
    expect(isReservedUsername(name)).toBe(true);
    expect(usernameProblem(name)).toBe(
      `The name '${name}' is reserved, please choose another one`,
    );
  });

  it.each(['alice', 'kubert', 'knotty', 'guesthouse'])(
    'leaves %p to users',
    name => {
      expect(isReservedUsername(name)).toBe(false);
      expect(usernameProblem(name)).toBeUndefined();
    },
  );
});
