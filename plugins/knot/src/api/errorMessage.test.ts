import { ResponseError } from '@backstage/errors';
import { errorMessage } from './errorMessage';

function refusal(status: number, body: string, contentType: string) {
  return ResponseError.fromResponse(
    new Response(body, { status, headers: { 'content-type': contentType } }),
  );
}

describe('errorMessage', () => {
  it("gives knot-backend's own words", async () => {
    const error = await refusal(
      400,
      JSON.stringify({
        error: { name: 'InputError', message: "'a b' is not a valid name" },
        response: { statusCode: 400 },
      }),
      'application/json; charset=utf-8',
    );
    expect(errorMessage(error)).toBe("'a b' is not a valid name");
  });

  it('says what the status means when the answer is not the backend’s', async () => {
    const tooLarge = await refusal(413, '<html>Too Large</html>', 'text/html');
    const failed = await refusal(502, 'Bad Gateway', 'text/plain');
    const expired = await refusal(401, '', 'text/plain');
    expect(errorMessage(tooLarge)).toBe('The file is too large');
    expect(errorMessage(failed)).toBe(
      'The portal failed to do this; try again later',
    );
    expect(errorMessage(expired)).toBe(
      'Your session has expired: sign in again',
    );
  });

  it('gives any other error’s message', () => {
    expect(errorMessage(new Error('Cancelled'))).toBe('Cancelled');
  });
});
