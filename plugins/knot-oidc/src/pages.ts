/**
 * The provider's own pages (login, sign-up, consent, errors): plain HTML
 * forms, labelled fields, errors announced with role="alert", no script.
 */

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );
}

const STYLE = `
body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1b1d21;margin:0}
main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.5rem;margin-top:0}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #767676;border-radius:4px}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:4px;border:0;background:#1f5493;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1f5493;border:1px solid #1f5493;margin-left:.5rem}
.error{background:#fdecea;color:#611a15;padding:.75rem;border-radius:4px}
.notice{background:#e8f4fd;color:#0d3c61;padding:.75rem;border-radius:4px}
a{color:#1f5493}`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Knot</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

function messages(options: { error?: string; notice?: string }): string {
  return [
    options.error
      ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>`
      : '',
    options.notice
      ? `<p class="notice" role="status">${escapeHtml(options.notice)}</p>`
      : '',
  ].join('');
}

export function loginPage(options: {
  action: string;
  signupUrl: string;
  clientName: string;
  username?: string;
  error?: string;
  notice?: string;
}): string {
  return page(
    'Sign in to Knot',
    `<p>to continue to <strong>${escapeHtml(options.clientName)}</strong></p>
${messages(options)}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(
      options.username,
    )}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p>No account yet? <a href="${escapeHtml(
      options.signupUrl,
    )}">Create an account</a></p>`,
  );
}

export function signupPage(options: {
  action: string;
  loginUrl: string;
  username?: string;
  email?: string;
  error?: string;
}): string {
  return page(
    'Create a Knot account',
    `<p>An admin approves new accounts before they can sign in.</p>
${messages(options)}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required aria-describedby="username-help" value="${escapeHtml(
      options.username,
    )}">
<p id="username-help"><small>Lower-case letters, digits and '-', starting with a letter; it names your namespace and service addresses.</small></p>
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="email" value="${escapeHtml(
      options.email,
    )}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required>
<button type="submit">Create account</button>
</form>
<p><a href="${escapeHtml(options.loginUrl)}">Back to sign-in</a></p>`,
  );
}

export function consentPage(options: {
  action: string;
  abortAction: string;
  clientName: string;
  username: string;
  scopes: string[];
}): string {
  const items = options.scopes.map(s => `<li>${escapeHtml(s)}</li>`).join('');
  return page(
    'Allow access?',
    `<p><strong>${escapeHtml(
      options.clientName,
    )}</strong> asks to know who you are (signed in as <strong>${escapeHtml(
      options.username,
    )}</strong>):</p>
<ul>${items}</ul>
<form method="post" action="${escapeHtml(
      options.action,
    )}" style="display:inline">
<button type="submit">Allow</button>
</form>
<form method="post" action="${escapeHtml(
      options.abortAction,
    )}" style="display:inline">
<button type="submit" class="secondary">Deny</button>
</form>`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(title, messages({ error: message }));
}
