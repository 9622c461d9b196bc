// Customers (CRM): tiers, visits, relationship-fee statements and their sign-off queue (CRM-6).
import { api, post, session } from '../api.js';
import { field, form, h, mount, select, table, toast } from '../dom.js';
import { chinaMonth, dateTime, day, money } from '../format.js';
import { label, options } from '../labels.js';
import { badge, bodyOf, card, input, noData } from './common.js';

const SIGNERS = ['sales_clerk', 'sales_manager', 'finance'];
const VISIT_READERS = ['sales', 'customer_service', 'quality_manager', 'admin_dept'];

function customerRows(items) {
  return items.map((customer) => [customer.id, customer.name, badge('tier', customer.tier),
    label('ownerLevel', customer.owner_level), label('customerClass', customer.customer_class),
    [customer.region.province, customer.region.city, customer.region.county].filter(Boolean).join(' '),
    money(customer.annual_revenue), customer.sales_owner || '—',
    customer.complaints ? `${customer.complaints.total} (未结 ${customer.complaints.open})` : '—']);
}

async function customersCard() {
  const results = h('div');
  const show = async (query) => {
    const page = await api('crm', '/v1/customers', { query: { ...query, limit: 50 } });
    mount(results, table(['编号', '名称', '等级', '归属', '分类', '地区', '年收入', '客户经理', '投诉'], customerRows(page.items)));
  };
  const filters = form({ class: 'filters' }, [
    field('名称', input('q', { type: 'search' })),
    field('等级', select('tier', [{ value: '', name: '全部' }, ...options('tier')])),
    field('分类', select('class', [{ value: '', name: '全部' }, ...options('customerClass')])),
  ], '查找', (data) => show(bodyOf(data)));
  await show({});
  return card('客户', filters, results);
}

// The statements whose next sign-off is the signed-in person's step, signed with one button each.
function signButton(statement, reload) {
  const step = statement.next_sign_off;
  if (!step || !session.has(step) || statement.status !== 'submitted') return '';
  return h('button', { type: 'button', dataset: { sign: statement.id }, onclick: async () => {
    await post('crm', `/v1/fee-statements/${statement.id}/sign-offs`, { step });
    toast(`${label('signOffStep', step)} 已签核`);
    await reload();
  } }, `签核 (${label('signOffStep', step)})`);
}

function statementRows(items, reload) {
  return items.map((statement) => [statement.month, statement.sales_rep, money(statement.total_purchase),
    money(statement.total_fee), money(statement.payable), badge('statementStatus', statement.status),
    statement.sign_offs.map((one) => `${label('signOffStep', one.step)} ${one.signer_name || one.signer}`).join('、') || '—',
    statement.next_sign_off ? label('signOffStep', statement.next_sign_off) : '—', dateTime(statement.sign_off_by),
    signButton(statement, reload)]);
}

async function statementsCard(reload) {
  const month = chinaMonth(-1);
  const page = await api('crm', '/v1/fee-statements', { query: { limit: 100 } });
  const waiting = page.items.filter((s) => s.status === 'submitted' && s.next_sign_off && session.has(s.next_sign_off));
  const headers = ['月份', '销售代表', '采购额', '客情费', '应付', '状态', '已签核', '待签核', '签核期限', ''];
  return [
    session.has(...SIGNERS) ? card(`待我签核 (${waiting.length})`, table(headers, statementRows(waiting, reload), '没有待签核的费用结算单')) : null,
    card('客情费结算单', table(headers, statementRows(page.items, reload)),
      session.has('sales') ? h('p.muted', {}, `上月 (${month}) 结算单须在本月第 3 个工作日前提交`) : null),
  ];
}

async function visitsCard() {
  const plans = await api('crm', '/v1/visit-plans', { query: { limit: 50 } });
  return card('回访计划', table(['客户', '月份', '应访日期', '状态'], plans.items.map((plan) => [plan.customer_id, plan.month,
    day(plan.due_on), badge('visitStatus', plan.status)]), '本月没有回访计划'));
}

export async function customersPage(main) {
  const reload = () => customersPage(main);
  const fees = session.has('sales', ...SIGNERS, 'admin_dept', 'quality_manager') ? await statementsCard(reload) : [];
  mount(main, h('h1', {}, '大客户'), fees,
    await customersCard(),
    session.has(...VISIT_READERS) ? await visitsCard() : noData());
}
