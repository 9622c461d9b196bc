// The console's shell: sign-in, navigation by role, and one hash route per page.
import { ApiError, consoleApi, session } from './api.js';
import { finishOidc, signInPage } from './auth.js';
import { h, mount } from './dom.js';
import { label } from './labels.js';
import { complaintPage, complaintsPage } from './pages/complaints.js';
import { customersPage } from './pages/customers.js';
import { deskPage } from './pages/desk.js';
import { incidentPage, incidentsPage } from './pages/incidents.js';
import { opsPage } from './pages/ops.js';
import { reviewPage } from './pages/review.js';
import { sanctionsPage } from './pages/sanctions.js';

const ALL = null;
// Each page, who sees it in the menu (the services still decide every request).
const PAGES = [
  { path: 'desk', title: '我的工作台', roles: ALL, render: deskPage },
  { path: 'complaints', title: '投诉', roles: ['customer_service', 'sales', 'quality_manager', 'executive', 'admin_dept', 'ops'],
    render: complaintsPage, detail: complaintPage },
  { path: 'incidents', title: '质量事故', roles: ['quality_manager', 'inspector', 'production', 'admin_dept', 'ops', 'customer_service'],
    render: incidentsPage, detail: incidentPage },
  { path: 'sanctions', title: '奖惩', roles: ALL, render: sanctionsPage },
  { path: 'customers', title: '大客户', roles: ['sales', 'sales_clerk', 'sales_manager', 'admin_dept', 'quality_manager', 'customer_service', 'finance', 'erp'],
    render: customersPage },
  { path: 'ops', title: '运维', roles: ['ops'], render: opsPage },
  { path: 'review', title: '管理评审', roles: ['quality_manager', 'executive', 'admin_dept', 'finance'], render: reviewPage },
];

let config = null;
// Each route() is one generation: a slower earlier page never replaces the page asked for since.
let generation = 0;

function visible(page) {
  return page.roles === ALL || session.has(...page.roles);
}

function renderChrome() {
  const person = session.person();
  const nav = document.getElementById('nav');
  const current = (window.location.hash.slice(2) || 'desk').split('/')[0];
  mount(nav, person ? PAGES.filter(visible).map((page) =>
    h('a', { href: `#/${page.path}`, 'aria-current': page.path === current ? 'page' : null }, page.title)) : []);
  const docs = h('a.docs', { href: '/api-docs/intake', target: '_blank', rel: 'noopener' }, 'API 文档');
  mount(document.getElementById('who'), person
    ? [h('span', { id: 'person' }, `${person.name} · ${person.roles.map((role) => label('role', role)).join('、')}`),
      docs, h('button.link', { type: 'button', onclick: () => { session.signOut(); route(); } }, '退出')]
    : [docs]);
}

async function route() {
  const main = document.getElementById('main');
  renderChrome();
  if (!session.token()) {
    generation += 1;
    signInPage(main, config, () => { window.location.hash = '#/desk'; route(); });
    return;
  }
  const [path, id] = (window.location.hash.slice(2) || 'desk').split('/');
  const page = PAGES.find((one) => one.path === path) || PAGES[0];
  const mine = ++generation;
  const view = h('div.view');
  mount(main, h('p.muted', {}, '加载中…'));
  try {
    await (id && page.detail ? page.detail(view, decodeURIComponent(id)) : page.render(view));
    if (mine === generation) mount(main, view);
  } catch (error) {
    if (mine !== generation) return;
    if (error instanceof ApiError && error.status === 401) {
      session.signOut();
      route();
      return;
    }
    mount(main, h('section.card', {}, h('h1', {}, page.title), h('p.form-error', { role: 'alert' }, error.message)));
  }
  main.focus({ preventScroll: true });
}

function menuToggle() {
  const button = document.querySelector('button.menu');
  button.addEventListener('click', () => {
    const open = document.body.classList.toggle('nav-open');
    button.setAttribute('aria-expanded', String(open));
  });
  document.getElementById('nav').addEventListener('click', () => document.body.classList.remove('nav-open'));
}

async function start() {
  config = await consoleApi('/console/config');
  menuToggle();
  try {
    await finishOidc(config);
  } catch (error) {
    mount(document.getElementById('main'), h('p.form-error', { role: 'alert' }, error.message));
    return;
  }
  window.addEventListener('hashchange', route);
  await route();
}

start();
