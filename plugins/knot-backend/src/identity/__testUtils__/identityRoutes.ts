/**
 * The identity feature's routes (`/me`, `/profile`, `/users`, `/teams`),
 * with the names the identity tests seed (bob, team t).
 */
export const IDENTITY_ROUTES = [
  ['get', '/api/knot/me'],
  ['post', '/api/knot/me/password'],
  ['get', '/api/knot/profile'],
  ['get', '/api/knot/users'],
  ['patch', '/api/knot/users/bob'],
  ['delete', '/api/knot/users/bob'],
  ['get', '/api/knot/teams'],
  ['post', '/api/knot/teams'],
  ['delete', '/api/knot/teams/t'],
  ['post', '/api/knot/teams/t/members'],
  ['delete', '/api/knot/teams/t/members/bob'],
] as const;
