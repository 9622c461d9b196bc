// Chinese names of every value the APIs use, as docs/glossary.md lists them. One table for the whole app.
export const LABELS = {
  role: {
    customer_service: '客服人员', sales: '销售代表', sales_clerk: '销售文员', sales_manager: '销售部经理',
    inspector: '检验员', production: '生产部门', quality_manager: '品质管理部负责人',
    executive: '最高决策层', admin_dept: '行政管理部', finance: '财务部', erp: 'ERP 系统', ops: '运维',
  },
  department: {
    quality: '品质管理部', administration: '行政管理部', finance: '财务部', technical: '技术管理部',
    casting: '铸造部', machining: '机加部', purchasing: '采购部', production: '生产部',
    production_engineering: '生技部', production_planning: '生管部', logistics: '物流部', sales: '销售部',
    marketing: '营销部', customer_service: '客户服务部', rnd: '研发部', it: '信息技术部', management: '最高决策层',
  },
  service: { intake: '受理 (intake)', classification: '事故分级 (classification)', sanctions: '奖惩 (sanctions)',
    crm: '大客户 (crm)', notify: '通知 (notify)' },
  complaintKind: { product_quality: '产品质量投诉', service: '客户服务投诉' },
  serviceAspect: { attitude: '服务态度', professionalism: '专业素质', efficiency: '服务效率', other: '其他' },
  channel: { phone: '电话', email: '电子邮件', web: '网站', mobile: '手机应用', wechat: '微信', media: '媒体',
    regulator: '政府/职能部门' },
  severity: { general: '一般投诉', serious: '严重投诉' },
  complaintStatus: { received: '已受理', investigating: '调查中', replied: '已回复', visited: '已回访',
    closed: '已结案', rejected: '投诉不成立' },
  severityReason: { recorded_as_serious: '受理时记为严重投诉', 'customer_tier:diamond': '钻石客户默认严重投诉',
    'customer_tier:platinum': '白金客户默认严重投诉', escalated_by_quality_department: '品质管理部升级',
    set_by_quality_department: '品质管理部设定严重程度' },
  complaintAction: { received: '受理', investigate: '调查', reply: '回复', 'return-visit': '回访', close: '结案', reject: '不成立',
    handover: '移交', escalate: '升级至最高决策层', severity: '设定严重程度', decision: '最高决策层决定' },
  reportKind: { scrap: '报废', rework: '返工', nonconformity: '不合格', supplier_material: '来料异常',
    customer_injury: '给用户造成人身伤害', reputation: '影响公司声誉' },
  defectType: { appearance: '外观不良', performance: '性能不良' },
  incidentLevel: { general: '一般质量事故', batch: '批质量事故', major: '重大质量事故' },
  problemLevel: { minor: '轻微问题', general: '一般问题', important: '重要问题' },
  cause: { man: '人', machine: '机', material: '料', method: '法', environment: '环', other: '其它' },
  incidentStatus: { open: '处理中', closed: '已关闭' },
  origin: { complaint: '投诉', incident_report: '现场报告', returns: '退货' },
  fact: { returns_shipped_batch: '出厂批退货', returns_same_model_date: '同型号同生产日期退货',
    scrap_quantity: '报废数量', rework_quantity: '返工数量', loss_amount: '直接经济损失',
    personal_injury: '人身伤害', reputation_damage: '声誉损害' },
  defectClass: { A: 'A类: 极重要质量特性不符合', B: 'B类: 重要质量特性不符合', C: 'C类: 一般质量特性不符合' },
  disposition: { return: '退回供应商', concession: '特采' },
  concessionKind: { sort: '挑选使用', add_parts: '增加零部件', add_process: '增加工艺',
    lower_requirement: '降低质量要求', machining: '机加工' },
  emergencyTrigger: { customer_punitive_measures: '顾客抱怨、通报、减少份额或停装等惩罚性措施',
    assembly_failures: '顾客装机过程出现批量事故 (单一品种 ≥ 5 件)',
    low_level_problem_at_customer: '顾客装机处出现低级质量问题',
    reliability_hazard_in_use: '用户使用过程出现质量性能可靠性隐患',
    other_major_impact: '其他质量问题造成公司重大影响或损失' },
  emergencyStep: { report_to_leadership: '上报公司领导', meeting: '应急会议', rectification_notice: '整改通知',
    approved_measures: '审批整改措施', verification: '验证', report: '报告' },
  zeroingGroup: { technical: '技术归零', management: '管理归零', four_not_let_go: '四不放过', emergency_steps: '应急步骤' },
  zeroingItem: { located: '定位准确', mechanism_clear: '机理清楚', reproduced: '问题复现',
    measures_effective: '措施有效', applied_to_similar: '举一反三', process_clear: '过程清楚',
    responsibility_clear: '责任明确', measures_in_place: '措施落实', dealt_with_seriously: '严肃处理',
    rules_improved: '完善规章', cause_found: '原因不清不放过', people_educated: '责任者和群众没有受到教育不放过',
    preventive_measures_taken: '没有防范措施不放过', responsible_dealt_with: '责任人员没有受到处罚不放过' },
  clauseKind: { penalty: '处罚', reward: '奖励' },
  amountRule: { fixed: '固定金额', range: '区间', per_piece: '每件', range_per_piece: '每件区间',
    per_piece_with_shift_cap: '每件且每班封顶', repeat_escalation: '第二次开除' },
  noticeStatus: { draft: '草稿', issued: '已发出', stamped: '已盖章', summarized: '已汇总', withdrawn: '已撤回',
    superseded: '被更严重条款取代' },
  summaryStatus: { open: '未结账', closed: '已结账' },
  disputeStatus: { open: '争议中', upheld: '维持', amended: '改判金额', withdrawn: '撤销' },
  noticeStep: { repriced: '重新计价', carried_over: '结转下月' },
  tier: { diamond: '钻石客户', platinum: '白金客户', gold: '黄金客户', vip: 'VIP客户', none: '非大客户' },
  ownerLevel: { provincial: '省大客户中心', city: '市局大客户中心', county: '县/区函件部', local: '属地' },
  customerClass: { A: 'A类', B: 'B类', C: 'C类', D: 'D类' },
  visitStatus: { planned: '已计划', due: '应访', overdue: '逾期', done: '已访' },
  feePurpose: { buyer: '①客户采购员', purchasing_head: '②客户采购部领导', executive: '③客户主管采购的公司领导',
    new_customer: '④争取新客户的特殊费用', event: '⑤客户的活动、推广会及各种联谊' },
  signOffStep: { sales_clerk: '销售文员', sales_manager: '销售部经理', finance: '财务部' },
  statementStatus: { submitted: '待检核', verified: '已检核', void: '无效' },
  deliveryStatus: { pending: '待发送', sent: '已发送', failed: '发送失败' },
  channelKind: { inbox: '站内信', email: '电子邮件', wecom: '企业微信', dingtalk: '钉钉', feishu: '飞书' },
  deadLetterReason: { undecodable: '无法解析', unknown_type: '未知事件类型', unknown_version: '未知事件版本',
    handler_failed: '处理失败' },
  readiness: { ready: '就绪', not_ready: '未就绪', ok: '正常' },
};

// The Chinese name of a value, or the value itself where the table has none (free text, a new enum).
export function label(table, value) {
  if (value === null || value === undefined || value === '') return '—';
  const names = LABELS[table];
  return (names && names[value]) || String(value);
}

// <option>s for a <select> of one table, in the table's order.
export function options(table) {
  return Object.entries(LABELS[table]).map(([value, name]) => ({ value, name }));
}
