/**
 * A deploy the profile's quota cannot hold: 422 (the request is well formed
 * but cannot be carried out as long as the quota is used as it is; 409 is
 * already a name or singleton conflict, 400 bad input).
 */
export class QuotaExceededError extends Error {
  readonly statusCode = 422;

  constructor(message: string) {
    super(message);
    this.name = 'QuotaExceededError';
  }
}
