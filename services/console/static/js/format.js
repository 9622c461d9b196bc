// Dates, times and money as people in China read them: Asia/Shanghai, 2026年12月2日 14:05, ¥1,234.50.
const CHINA = 'Asia/Shanghai';
const DATE_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: CHINA, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
const DATE = new Intl.DateTimeFormat('zh-CN', { timeZone: CHINA, year: 'numeric', month: '2-digit', day: '2-digit' });

export function dateTime(iso) {
  if (!iso) return '—';
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? String(iso) : DATE_TIME.format(when);
}

// A date the API sends as YYYY-MM-DD is a calendar day, not an instant: shown as it is.
export function day(value) {
  if (!value) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? `${match[1]}/${match[2]}/${match[3]}` : DATE.format(new Date(value));
}

// Money travels as a decimal string ("1234.5" or "1234.50"): formatted from its digits, never through a float.
export function money(value) {
  if (value === null || value === undefined || value === '') return '—';
  const text = String(value).trim();
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = ''] = match;
  const cents = (fraction + '00').slice(0, 2);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign ? '-' : ''}¥${grouped}.${cents}`;
}

// Now in China time as the <input type="datetime-local"> shows it, and back to an ISO time with offset.
export function nowLocalInput() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: CHINA, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
    }).formatToParts(new Date()).map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
}

export function chinaTime(localInput) {
  return localInput ? `${localInput.length === 16 ? `${localInput}:00` : localInput}+08:00` : null;
}

// The month (YYYY-MM) in China time, `offset` months from now.
export function chinaMonth(offset = 0) {
  const [year, month] = nowLocalInput().slice(0, 7).split('-').map(Number);
  const index = year * 12 + (month - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
