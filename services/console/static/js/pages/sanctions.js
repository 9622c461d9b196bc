// Rewards and penalties (SAN): violations, notices and their steps, disputes, the month close and its files.
import { api, download, post, session } from '../api.js';
import { field, form, h, mount, select, table, toast } from '../dom.js';
import { chinaMonth, chinaTime, dateTime, money, nowLocalInput } from '../format.js';
import { label, options } from '../labels.js';
import { badge, bodyOf, card, facts, input, textArea } from './common.js';

const SEE_ALL = ['quality_manager', 'admin_dept', 'finance'];

function amountText(notice) {
  return notice.dismissal ? '开除' : money(notice.amount);
}

// The steps a notice offers the signed-in person now (SAN-4), each with its small form.
function noticeSteps(notice, reload) {
  const mine = session.person()?.sub === notice.employee?.id;
  const steps = [];
  const step = (action, text, fields, body = (data) => bodyOf(data)) => steps.push(
    form({ class: 'inline', dataset: { action, notice: notice.id } }, fields, text, async (data) => {
      await post('sanctions', `/v1/notices/${notice.id}/${action}`, body(data));
      toast(`${text}: 已完成`);
      await reload();
    }));
  if (notice.status === 'draft' && session.has('quality_manager')) {
    step('issue', '发出', notice.amount_chosen ? [] : [field('金额', input('amount', { inputmode: 'decimal', placeholder: String(notice.amount) }))]);
  }
  if (notice.status === 'issued' && session.has('quality_manager', 'admin_dept')) step('stamp', '盖章', []);
  if (['issued', 'stamped'].includes(notice.status) && !notice.dispute_status && (mine || session.has('quality_manager', 'admin_dept'))) {
    step('dispute', '申诉', [field('理由', input('reason', { required: true }))]);
  }
  if (notice.dispute_status === 'open' && session.has('admin_dept')) {
    step('decide', '裁决', [field('结果', select('outcome', options('disputeStatus').filter((o) => o.value !== 'open'))),
      field('改判金额', input('amount', { inputmode: 'decimal' }))]);
  }
  if (['draft', 'issued', 'stamped', 'superseded'].includes(notice.status) && session.has('quality_manager')) {
    step('withdraw', '撤回', []);
  }
  return h('div.actions', {}, steps);
}

function noticeRows(items, reload) {
  return items.map((notice) => [
    notice.clause, label('clauseKind', notice.kind), notice.employee?.name || notice.employee?.id || '(待指定)',
    amountText(notice), notice.month, badge('noticeStatus', notice.status),
    notice.dispute_status ? label('disputeStatus', notice.dispute_status) : '—', noticeSteps(notice, reload),
  ]);
}

async function violationForm(showMonth) {
  const catalog = await api('sanctions', '/v1/clauses');
  const clauses = catalog.items.map((clause) => ({ value: clause.code,
    name: `${clause.code} ${label('clauseKind', clause.kind)} · ${clause.summary}` }));
  return h('details.card', {}, h('summary', {}, '登记违规 / 奖励'), form({ class: 'grid', id: 'new-violation' }, [
    field('条款', select('clause', clauses, { required: true })),
    field('员工工号', input('employee_id', { required: true })), field('姓名', input('employee_name')),
    field('部门', select('employee_department', options('department'))),
    field('发生时间', input('occurred_at', { type: 'datetime-local', value: nowLocalInput(), required: true })),
    field('件数', input('pieces', { type: 'number', min: 1 })), field('班次', input('shift')),
    field('说明', textArea('note')),
  ], '登记', async (data) => {
    const body = bodyOf(data, { numbers: ['pieces'] });
    const violation = {
      clause: body.clause, occurred_at: chinaTime(body.occurred_at),
      employee: { id: body.employee_id, name: body.employee_name, department: body.employee_department },
    };
    for (const name of ['pieces', 'shift', 'note']) if (body[name] !== undefined) violation[name] = body[name];
    const created = await post('sanctions', '/v1/violations', violation, { idempotent: true });
    toast(`已生成奖惩通知草稿 (${money(created.notice.amount)})`);
    await showMonth(created.notice.month);
  }));
}

function summaryCard(month, summary, reload) {
  const closable = summary.status === 'open' && session.has('admin_dept');
  const files = h('div.actions', {},
    h('button', { type: 'button', onclick: () => download('sanctions', `/v1/summaries/${month}.xlsx`, `奖惩汇总-${month}.xlsx`) }, '下载 XLSX'),
    h('button', { type: 'button', onclick: () => download('sanctions', `/v1/summaries/${month}.csv`, `奖惩汇总-${month}.csv`) }, '下载 CSV (个人)'),
    h('button', { type: 'button', onclick: () => download('sanctions', `/v1/summaries/${month}/departments.csv`, `奖惩汇总-${month}-部门.csv`) }, '下载 CSV (部门)'));
  return card(`月度汇总 ${month} `, badge('summaryStatus', summary.status),
    facts([['奖励合计', money(summary.totals.rewards)], ['处罚合计', money(summary.totals.penalties)],
      ['赔偿', money(summary.totals.compensation)], ['净额', money(summary.totals.net)], ['人数', summary.totals.people],
      summary.closed_at && ['结账时间', dateTime(summary.closed_at)], summary.force_reason && ['强制结账理由', summary.force_reason]]),
    table(['部门', '奖励', '处罚', '赔偿', '净额', '人数'], summary.departments.map((row) => [row.department_name,
      money(row.rewards), money(row.penalties), money(row.compensation), money(row.net), row.people])),
    table(['工号', '姓名', '部门', '奖励', '处罚', '净额', '通知数'], summary.people.map((row) => [row.employee_id,
      row.employee_name || '—', label('department', row.department), money(row.rewards), money(row.penalties), money(row.net), row.notice_count])),
    files,
    closable ? form({ id: 'close-month' }, [field('未满月强制结账', h('input', { type: 'checkbox', name: 'force' })),
      field('理由', input('reason'))], '结账', async (data) => {
      const body = data.get('force') === 'on' ? { force: true, reason: data.get('reason') } : {};
      await post('sanctions', `/v1/summaries/${month}/close`, body);
      toast(`${month} 已结账`);
      await reload();
    }) : null);
}

export async function sanctionsPage(main, state = { month: chinaMonth(-1), status: '' }) {
  const reload = () => sanctionsPage(main, state);
  const query = { limit: 100, status: state.status || null, month: state.month || null };
  if (!session.has(...SEE_ALL)) query.employee_id = session.person()?.sub;
  const notices = await api('sanctions', '/v1/notices', { query });
  const seesSummaries = session.has('admin_dept', 'finance', 'quality_manager');
  const summary = seesSummaries && state.month ? await api('sanctions', `/v1/summaries/${state.month}`) : null;
  const filters = form({ class: 'filters' }, [
    field('月份', input('month', { type: 'month', value: state.month })),
    field('状态', select('status', [{ value: '', name: '全部' }, ...options('noticeStatus')])),
  ], '查看', (data) => sanctionsPage(main, { month: data.get('month'), status: data.get('status') }));
  filters.querySelector('select[name=status]').value = state.status;
  mount(main,
    h('h1', {}, '奖惩'),
    session.has('quality_manager', 'inspector')
      ? await violationForm((month) => sanctionsPage(main, { month, status: '' })) : null,
    h('section.card', {}, h('h2', {}, '奖惩通知'), filters,
      table(['条款', '类别', '员工', '金额', '月份', '状态', '申诉', '操作'], noticeRows(notices.items, reload), '本月没有奖惩通知')),
    summary ? summaryCard(state.month, summary, reload) : null);
}
