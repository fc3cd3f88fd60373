/** The identity provider's pages: plain, accessible HTML with no script (forms only). */
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escape(title)} – Local cloud sign-in</title>
<style>body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0}main{max-width:420px;margin:64px auto;background:#fff;padding:32px 40px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600}label{display:block;margin-top:16px}input{width:100%;box-sizing:border-box;padding:8px;margin-top:4px;font-size:15px}
button{margin-top:24px;background:#0067b8;color:#fff;border:0;padding:8px 32px;font-size:15px}p.error{color:#e81123}small{color:#666}</style></head>
<body><main><p><small>Seedship local cloud · rehearsal tenant</small></p>${body}</main></body></html>`;
}

export function loginPage(action: string, transaction: string, options: { clientName: string; error?: string; username?: string }): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1><p>to continue to ${escape(options.clientName)}</p>
${options.error ? `<p class="error" role="alert">${escape(options.error)}</p>` : ''}
<form method="post" action="${escape(action)}"><input type="hidden" name="transaction" value="${escape(transaction)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${escape(options.username ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
  );
}

export function deviceCodePage(action: string, error?: string): string {
  return page(
    'Enter code',
    `<h1>Enter code</h1><p>Enter the code shown by the app or device you want to sign in to.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="${escape(action)}"><label for="code">Code</label><input id="code" name="code" autocomplete="off" required>
<button type="submit">Next</button></form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escape(title)}</h1><p>${escape(message)}</p>`);
}

/**
 * The OAuth `form_post` response (msal-node's loopback redirect asks for it): a form that posts the code
 * to the app, submitted by a nonce'd script, with a button for browsers that don't run it.
 */
export function formPostPage(action: string, fields: Record<string, string>, nonce: string): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('');
  return page(
    'Signing in',
    `<h1>Returning to the app…</h1><form method="post" action="${escape(action)}">${inputs}<button type="submit">Continue</button></form>
<script nonce="${escape(nonce)}">document.forms[0].submit();</script>`,
  );
}
