// Sign-in: the development token picker, or the identity provider's page (OpenID Connect with PKCE).
import { consoleApi, session } from './api.js';
import { h, mount } from './dom.js';
import { label } from './labels.js';
import { authorizationUrl, callbackCode, challengeS256, claims, randomVerifier, tokenRequestBody } from './pkce.js';

const FLOW_KEY = 'qms.oidc.flow';

function signInWith(token) {
  const claimed = claims(token);
  session.signIn(token, { sub: claimed.sub, name: claimed.name || claimed.sub, department: claimed.department || '',
    roles: claimed.roles || [] });
}

export async function pickPerson(role) {
  const answer = await consoleApi('/console/dev-token', { method: 'POST', body: { role } });
  signInWith(answer.token);
}

async function endpoints(oidc) {
  if (oidc.authorization_endpoint && oidc.token_endpoint) return oidc;
  const discovery = await (await fetch(`${oidc.issuer}/.well-known/openid-configuration`)).json();
  return { ...oidc, authorization_endpoint: discovery.authorization_endpoint, token_endpoint: discovery.token_endpoint };
}

async function startOidc(oidc) {
  const known = await endpoints(oidc);
  const verifier = randomVerifier();
  const flow = { verifier, state: randomVerifier(), nonce: randomVerifier(), token_endpoint: known.token_endpoint };
  sessionStorage.setItem(FLOW_KEY, JSON.stringify(flow));
  window.location.assign(authorizationUrl(known.authorization_endpoint, {
    clientId: oidc.client_id, redirectUri: oidc.redirect_uri, scope: oidc.scope, state: flow.state, nonce: flow.nonce,
    challenge: await challengeS256(verifier),
  }));
}

// Back from the identity provider with ?code=…&state=…: the code redeemed for tokens, the address cleaned.
export async function finishOidc(config) {
  const flow = JSON.parse(sessionStorage.getItem(FLOW_KEY) || 'null');
  const code = callbackCode(window.location.search, flow?.state);
  if (!code || !config.oidc) return false;
  sessionStorage.removeItem(FLOW_KEY);
  const answer = await fetch(flow.token_endpoint, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: tokenRequestBody({ code, redirectUri: config.oidc.redirect_uri, clientId: config.oidc.client_id,
      verifier: flow.verifier }),
  });
  if (!answer.ok) throw new Error(`令牌交换失败 (${answer.status})`);
  const tokens = await answer.json();
  signInWith(tokens.access_token);
  window.history.replaceState(null, '', `${window.location.pathname}#/desk`);
  return true;
}

export function signInPage(main, config, done) {
  const parts = [h('h1', {}, '登录')];
  if (config.oidc) {
    parts.push(h('p', {}, h('button.primary', { type: 'button', onclick: () => startOidc(config.oidc) }, '通过统一身份认证登录')));
  }
  if (config.development_picker) {
    parts.push(
      h('p.muted', {}, '开发环境: 选择一位人员登录 (开发令牌, 生产环境不可用)'),
      h('ul.people', {}, config.people.map((person) => h('li', {},
        h('button.person', { type: 'button', dataset: { role: person.role },
          onclick: async () => { await pickPerson(person.role); done(); } },
        h('strong', {}, person.name), ' ', label('role', person.role),
        h('small', {}, ` ${person.sub} · ${label('department', person.department)}`))))),
    );
  }
  mount(main, h('section.card.signin', {}, parts));
}
