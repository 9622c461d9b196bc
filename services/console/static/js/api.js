import { LABELS } from './labels.js';

// The services' public APIs through the console's same-origin proxy, with the signed-in person's token.
const TOKEN_KEY = 'qms.token';
const PERSON_KEY = 'qms.person';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problemText(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

const STATUS_TEXT = { 401: '请重新登录', 403: '无权执行此操作', 404: '未找到', 409: '当前状态不允许此操作',
  413: '文件或请求过大', 415: '不支持的文件类型', 422: '输入有误', 502: '服务不可达', 503: '服务暂不可用' };

function problemText(status, problem) {
  const head = STATUS_TEXT[status] || `请求失败 (${status})`;
  if (!problem) return head;
  const errors = Array.isArray(problem.errors)
    ? problem.errors.map((error) => `${(error.loc || []).slice(1).join('.')}: ${error.msg}`).join('; ')
    : '';
  const known = LABELS.problemCode[problem.code];
  return `${head}: ${known ? `${known} — ` : ''}${errors || problem.detail || problem.title || problem.code}`;
}

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  person: () => JSON.parse(sessionStorage.getItem(PERSON_KEY) || 'null'),
  signIn(token, person) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(PERSON_KEY, JSON.stringify(person));
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(PERSON_KEY);
  },
  has: (...roles) => roles.some((role) => (session.person()?.roles || []).includes(role)),
};

function url(service, path, query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    if (value === null || value === undefined || value === '') continue;
    for (const one of [].concat(value)) params.append(name, one);
  }
  const text = params.toString();
  return `/api/${service}${path}${text ? `?${text}` : ''}`;
}

async function send(service, path, { method = 'GET', body, query, form, headers = {} } = {}) {
  const token = session.token();
  const init = { method, headers: { ...headers } };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (form) init.body = form;
  else if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const answer = await fetch(url(service, path, query), init);
  if (!answer.ok) {
    const problem = await answer.json().catch(() => null);
    throw new ApiError(answer.status, problem);
  }
  return answer;
}

export async function api(service, path, options = {}) {
  const answer = await send(service, path, options);
  return answer.status === 204 ? null : answer.json();
}

export function post(service, path, body, options = {}) {
  const headers = options.idempotent ? { 'idempotency-key': crypto.randomUUID() } : {};
  return api(service, path, { method: 'POST', body, headers, ...options });
}

export function put(service, path, body) {
  return api(service, path, { method: 'PUT', body });
}

export function upload(service, path, file) {
  const form = new FormData();
  form.append('file', file);
  return api(service, path, { method: 'POST', form });
}

// A file the API serves behind the token: fetched, then handed to the browser as a download.
export async function download(service, path, fileName) {
  const answer = await send(service, path);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await answer.blob());
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// The console's own endpoints (sign-in, operations gauges).
export async function consoleApi(path, options = {}) {
  const token = session.token();
  const headers = { ...(options.body ? { 'content-type': 'application/json' } : {}) };
  if (token) headers.authorization = `Bearer ${token}`;
  const answer = await fetch(path, { method: options.method || 'GET', headers,
    body: options.body ? JSON.stringify(options.body) : undefined });
  if (!answer.ok) throw new ApiError(answer.status, await answer.json().catch(() => null));
  return answer.json();
}
