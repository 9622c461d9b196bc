// OpenID Connect authorization code with PKCE (RFC 7636, S256), run by the browser as a public client.
function base64url(bytes) {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// 32 random bytes: a 43-character verifier, inside RFC 7636's 43…128 unreserved characters.
export function randomVerifier() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function challengeS256(verifier) {
  return base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
}

export function authorizationUrl(endpoint, { clientId, redirectUri, scope, state, nonce, challenge }) {
  const target = new URL(endpoint);
  target.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, state, nonce,
    code_challenge: challenge, code_challenge_method: 'S256',
  }).toString();
  return target.toString();
}

// The body of the token request that redeems the code with the verifier (no client secret).
export function tokenRequestBody({ code, redirectUri, clientId, verifier }) {
  return new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier,
  });
}

// The callback is ours only when it carries the state this browser sent.
export function callbackCode(search, expectedState) {
  const params = new URLSearchParams(search);
  if (params.get('error')) throw new Error(`登录被拒绝: ${params.get('error_description') || params.get('error')}`);
  if (!params.get('code')) return null;
  if (!expectedState || params.get('state') !== expectedState) throw new Error('登录回调的 state 不匹配');
  return params.get('code');
}

// The claims of a JWT, unverified: only to show who signed in (the services verify every token).
export function claims(token) {
  const payload = token.split('.')[1] || '';
  const text = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
}
