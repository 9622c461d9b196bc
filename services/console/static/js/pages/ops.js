// Operations: each service's readiness, consumer lag and outbox backlog, dead letters with replay,
// and notify's failed deliveries.
import { api, consoleApi, post } from '../api.js';
import { h, mount, table, toast } from '../dom.js';
import { dateTime } from '../format.js';
import { label } from '../labels.js';
import { badge, card } from './common.js';

const SERVICES = ['intake', 'classification', 'sanctions', 'crm', 'notify'];

async function readiness(service) {
  const answer = await fetch(`/api/${service}/readyz`);
  const body = await answer.json().catch(() => ({ status: 'not_ready', checks: {} }));
  return body;
}

async function health(service) {
  const [ready, gauges] = await Promise.all([
    readiness(service).catch(() => ({ status: 'not_ready', checks: {} })),
    consoleApi(`/console/ops/${service}/gauges`).catch(() => null),
  ]);
  const lag = gauges ? gauges.consumer_lag.reduce((sum, row) => sum + row.lag, 0) : null;
  return [label('service', service), badge('readiness', ready.status, ready.status === 'ready' ? 'ok' : 'warn'),
    Object.entries(ready.checks || {}).map(([name, value]) => `${name}: ${label('readiness', value)}`).join('; '),
    lag === null ? '—' : String(lag), gauges ? String(gauges.outbox_backlog) : '—'];
}

function deadLetterRows(service, items, reload) {
  return items.map((letter) => [label('service', service), letter.topic, `${letter.partition}/${letter.offset}`,
    label('deadLetterReason', letter.reason), letter.event_type || '—', h('code', {}, (letter.error || '').slice(0, 160)),
    dateTime(letter.dead_lettered_at),
    h('button', { type: 'button', dataset: { replay: `${letter.topic}/${letter.partition}/${letter.offset}` }, onclick: async (event) => {
      const answer = await post(service, '/v1/ops/dead-letters/replay',
        { topic: letter.topic, partition: letter.partition, offset: letter.offset });
      event.target.replaceWith(h('span.badge.ok', {}, `已重放 ${answer.replayed}`));
      toast(`${letter.topic}: 已重放 ${answer.replayed} 条`);
      if (reload) await reload();
    } }, '重放')]);
}

const LETTER_PAGES = 10;
const LETTERS_SHOWN = 50;

// The API lists letters oldest first per partition: every page is read, and the newest are shown.
async function lettersOf(service) {
  const letters = [];
  let cursor = null;
  for (let page = 0; page < LETTER_PAGES; page += 1) {
    const answer = await api(service, '/v1/ops/dead-letters', { query: { limit: 500, cursor } });
    letters.push(...answer.items);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  letters.sort((a, b) => new Date(b.dead_lettered_at) - new Date(a.dead_lettered_at));
  return letters.slice(0, LETTERS_SHOWN);
}

async function deadLetters() {
  const pages = await Promise.all(SERVICES.map((service) =>
    lettersOf(service).then((items) => [service, items]).catch(() => [service, []])));
  const rows = pages.flatMap(([service, items]) => deadLetterRows(service, items));
  return card('死信 (每个服务最新的 50 条)', table(['服务', '主题', '分区/位点', '原因', '事件类型', '错误', '时间', ''], rows, '没有死信'));
}

async function failedDeliveries(reload) {
  const page = await api('notify', '/v1/deliveries', { query: { status: 'failed', limit: 100 } });
  return card('发送失败的通知', table(['渠道', '目标', '尝试次数', '错误', '时间', ''], page.items.map((delivery) => [
    label('channelKind', delivery.channel), delivery.target || '—', delivery.attempts, delivery.last_error || '—',
    dateTime(delivery.created_at), h('button', { type: 'button', onclick: async () => {
      await post('notify', `/v1/deliveries/${delivery.id}/retry`);
      await reload();
    } }, '重试')]), '没有发送失败的通知'));
}

export async function opsPage(main) {
  const reload = () => opsPage(main);
  const rows = await Promise.all(SERVICES.map(health));
  mount(main, h('h1', {}, '运维'),
    card('服务状态', table(['服务', '就绪', '检查', '消费延迟 (条)', '待发布事件 (outbox)'], rows)),
    await deadLetters(), await failedDeliveries(reload));
}
