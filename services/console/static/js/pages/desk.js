// My desk: my complaints by deadline, sign-offs and notices waiting for me, my notifications.
import { api, post, session } from '../api.js';
import { h, mount, table } from '../dom.js';
import { dateTime, money } from '../format.js';
import { label } from '../labels.js';
import { badge, card } from './common.js';

const OPEN = ['received', 'investigating', 'replied', 'visited'];

// One section failing (a role the service refuses, a service away) leaves the others on the desk.
async function section(title, build) {
  try {
    return await build();
  } catch (error) {
    return card(title, h('p.form-error', {}, error.message));
  }
}

async function myComplaints(person) {
  const query = { status: OPEN, limit: 100 };
  if (!session.has('quality_manager')) query.owner = person.sub;
  const page = await api('intake', '/v1/complaints', { query });
  const items = [...page.items].sort((a, b) => new Date(a.reply_by) - new Date(b.reply_by));
  return card(`我的投诉 (按期限, ${items.length})`, table(['备案编号', '状态', '投诉人', '调查期限', '回复期限', ''],
    items.map((item) => [h('a', { href: `#/complaints/${item.id}` }, item.complaint_no), badge('complaintStatus', item.status),
      item.complainant?.name, dateTime(item.investigate_by), dateTime(item.reply_by),
      item.overdue ? h('span.badge.warn', {}, '逾期') : '']), '没有待办投诉'));
}

async function signOffsWaiting() {
  const page = await api('crm', '/v1/fee-statements', { query: { limit: 200 } });
  const waiting = page.items.filter((s) => s.status === 'submitted' && s.next_sign_off && session.has(s.next_sign_off));
  return card(`待签核的客情费结算单 (${waiting.length})`, table(['月份', '销售代表', '客情费', '待签核', '期限'],
    waiting.map((s) => [h('a', { href: '#/customers' }, s.month), s.sales_rep, money(s.total_fee),
      label('signOffStep', s.next_sign_off), dateTime(s.sign_off_by)]), '没有待签核的结算单'));
}

async function noticesWaiting(person) {
  let items;
  if (session.has('quality_manager')) items = (await api('sanctions', '/v1/notices', { query: { status: 'draft', limit: 100 } })).items;
  else if (session.has('admin_dept')) {
    const issued = await api('sanctions', '/v1/notices', { query: { status: 'issued', limit: 100 } });
    const stamped = await api('sanctions', '/v1/notices', { query: { status: 'stamped', limit: 100 } });
    items = [...issued.items, ...stamped.items].filter((n) => n.dispute_status === 'open' || n.status === 'issued');
  } else items = (await api('sanctions', '/v1/notices', { query: { employee_id: person.sub, status: 'issued', limit: 100 } })).items;
  return card(`待处理的奖惩通知 (${items.length})`, table(['条款', '员工', '金额', '状态', '申诉'], items.map((n) => [
    h('a', { href: '#/sanctions' }, n.clause), n.employee?.name || n.employee?.id || '(待指定)', n.dismissal ? '开除' : money(n.amount),
    badge('noticeStatus', n.status), n.dispute_status ? label('disputeStatus', n.dispute_status) : '—']), '没有待处理的通知'));
}

async function notifications(refresh) {
  const page = await api('notify', '/v1/notifications', { query: { limit: 30 } });
  return card(`通知 (未读 ${page.unread})`, h('ul.notifications', {}, page.items.length ? page.items.map((item) => h(
    `li${item.read_at ? '' : '.unread'}`, {}, h('strong', {}, item.title), h('p', {}, item.body),
    h('small.muted', {}, `${dateTime(item.created_at)} · ${item.rule}`),
    item.read_at ? null : h('button.link', { type: 'button', onclick: async () => {
      await post('notify', `/v1/notifications/${item.id}/read`);
      await refresh();
    } }, '标为已读'))) : h('li.empty', {}, '没有通知')));
}

export async function deskPage(main) {
  const person = session.person();
  const refresh = () => deskPage(main);
  const sections = [];
  if (session.has('customer_service', 'sales', 'quality_manager')) sections.push(section('我的投诉', () => myComplaints(person)));
  if (session.has('sales_clerk', 'sales_manager', 'finance')) sections.push(section('待签核', signOffsWaiting));
  if (!session.has('ops', 'erp')) sections.push(section('奖惩通知', () => noticesWaiting(person)));
  sections.push(section('通知', () => notifications(refresh)));
  mount(main, h('h1', {}, `${person.name} 的工作台`), h('div.desk', {}, await Promise.all(sections)));
}
