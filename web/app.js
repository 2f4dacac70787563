/*
 * journeymap web app: sign-in, the live map (server-rendered HTML in a sandboxed, same-origin
 * frame), drill-down to the accounts behind every number and on to an account's timeline,
 * editing of the qualitative lanes and annotations, and version history with diffs.
 *
 * Rules this file keeps (the page runs under a strict CSP, docs/web-app.md):
 *   - every piece of data is hostile: the DOM is built with createElement and textContent,
 *     never innerHTML, and no URL is built from data except through encodeURIComponent;
 *   - no inline styles or scripts, no eval, no request to another origin;
 *   - every text shown comes from the en/vi dictionary below (t()).
 *
 * SPDX-License-Identifier: MIT
 */
'use strict';

(function () {

/* ---------------------------------------------------------------- texts */

const I18N = {
  en: {
    'skip': 'Skip to the map',
    'signin.title': 'Sign in',
    'signin.help': 'Paste an API key. An admin makes one with: journeymap keys create --role editor --name YOU',
    'signin.key': 'API key',
    'signin.submit': 'Sign in',
    'signin.busy': 'Signing in…',
    'tb.journey': 'Journey', 'tb.view': 'Team view', 'tb.lang': 'Language', 'tb.period': 'Period',
    'tb.year': 'Year', 'tb.quarter': 'Quarter', 'tb.from': 'From', 'tb.to': 'To',
    'tb.segment': 'Segment', 'tb.value': 'Value', 'tb.state': 'State',
    'tb.idle': 'Stalled & silent', 'tb.history': 'History', 'tb.signout': 'Sign out',
    'view.full': 'Full', 'view.marketing': 'Marketing', 'view.sales': 'Sales',
    'view.product': 'Product', 'view.cs': 'Customer success',
    'period.all': 'All time', 'period.year': 'A year', 'period.quarter': 'A quarter',
    'period.custom': 'Custom…',
    'seg.all': 'Every account', 'seg.industry': 'Industry', 'seg.segment': 'Company size',
    'seg.region': 'Region', 'seg.loading': 'Loading values…', 'seg.none': 'No values',
    'state.current': 'Today', 'state.future': 'Future', 'state.both': 'Today and future',
    'role.admin': 'admin', 'role.editor': 'editor', 'role.viewer': 'viewer', 'role.ingest': 'ingest',
    'who': '{0} ({1})',
    'loading': 'Loading…',
    'map.title': 'Journey map',
    'map.hint': 'Click a stage, a touchpoint, a break point or an account to see the accounts behind it. Editors click a text cell to edit it. Esc closes a panel.',
    'map.updated': 'Map updated with new data',
    'map.fresh': 'Updated {0}',
    'back': 'Back', 'close': 'Close', 'more': 'Show more', 'none': 'Nothing here.',
    'err.network': 'The server cannot be reached. Check that journeymap serve is running.',
    'err.400': 'The request was not accepted', 'err.401': 'You are not signed in, or the key is not valid',
    'err.403': 'Your key’s role does not allow this', 'err.404': 'Not found',
    'err.405': 'Not allowed here', 'err.409': 'Someone else changed it first: reload and try again',
    'err.413': 'Too large', 'err.500': 'The server failed',
    'err.other': 'The server answered {0}',
    'err.map': 'The map could not be drawn',
    'stage.owner': 'Owner: {0}',
    'stat.reached': 'reached', 'stat.converted': 'converted', 'stat.dropped': 'dropped',
    'stat.now_in': 'in stage now', 'stat.idle': 'stalled or silent', 'stat.rate': 'conversion',
    'stat.median': 'median days in stage', 'stat.events': 'events',
    'tab.reached': 'Reached', 'tab.converted': 'Converted', 'tab.dropped': 'Dropped',
    'tab.in_stage': 'In stage', 'tab.stalled': 'Stalled', 'tab.silent': 'Silent',
    'status.active': 'active', 'status.stalled': 'stalled', 'status.silent': 'silent',
    'status.won': 'won', 'status.lost': 'lost', 'status.open': 'open',
    'accounts.n': '{0} accounts',
    'acc.days_in': '{0} d in stage', 'acc.days_silent': '{0} d silent', 'acc.last': 'last touch {0}',
    'tp.title': 'Touchpoint: {0}', 'tp.help': 'Accounts that had this touchpoint in this stage.',
    'break.title': 'Break point {0}', 'break.help': 'The accounts behind this break point.',
    'idle.title': 'Stalled & silent accounts',
    'idle.help': 'Stalled: in a stage longer than it should take. Silent: no touch for a long time.',
    'acct.title': 'Account',
    'acct.industry': 'Industry', 'acct.segment': 'Size', 'acct.region': 'Region',
    'acct.country': 'Country', 'acct.stage': 'Current stage', 'acct.status': 'Status',
    'acct.owner': 'Owner', 'acct.id': 'ID', 'acct.domain': 'Domain',
    'acct.contacts': 'Buying committee and contacts', 'acct.deals': 'Deals',
    'acct.timeline': 'Timeline',
    'col.name': 'Name', 'col.title': 'Title', 'col.role': 'Role', 'col.email': 'Email',
    'col.deal': 'Deal', 'col.amount': 'Amount', 'col.status': 'Status', 'col.dates': 'Dates',
    'tl.moved': 'Moved to {0}', 'tl.moved_from': 'Moved from {0} to {1}', 'tl.entered': 'Entered {0}',
    'tl.account': 'the account', 'tl.empty': 'No moves or touchpoints.',
    'tl.n': '{0} moves and touchpoints',
    'edit.title': '{0} · {1}',
    'edit.items': 'One item per line ({0})',
    'edit.message': 'What changed (kept in the history)',
    'edit.message_default': 'Edit {0} in {1}',
    'edit.save': 'Save as a new version', 'edit.saving': 'Saving…',
    'edit.saved': 'Saved as version {0}', 'edit.saved_plain': 'Saved',
    'edit.readonly': 'You can read this map but not edit it.',
    'edit.old': 'This is an old version: go back to the latest to edit.',
    'ann.title': 'Annotations on this cell', 'ann.add': 'Add an annotation',
    'ann.kind': 'Kind', 'ann.text': 'Text', 'ann.submit': 'Add',
    'ann.pain_point': 'Pain point', 'ann.opportunity': 'Opportunity', 'ann.note': 'Note',
    'ann.delete': 'Delete', 'ann.deleted': 'Annotation deleted', 'ann.added': 'Annotation added',
    'ann.none': 'No annotations yet.', 'ann.confirm': 'Delete this annotation?',
    'hist.title': 'Version history',
    'hist.help': 'Tick two versions to compare them, or view the map as it was.',
    'hist.by': '{0} · {1}', 'hist.compare': 'Compare the two ticked',
    'hist.view': 'View map', 'hist.latest': 'latest',
    'hist.select': 'Version {0}',
    'hist.diff': 'From version {0} to {1}', 'hist.lanes': 'Lane by lane',
    'hist.lines': 'The definition, line by line', 'hist.same': 'No differences.',
    'hist.no_message': '(no message)',
    'ver.banner': 'Version {0}, read-only', 'ver.latest': 'Back to the latest',
    'diff.removed': 'removed', 'diff.added': 'added',
    'chg.stage_added': 'Stage added', 'chg.stage_removed': 'Stage removed', 'chg.stage_renamed': 'Stage renamed',
    'chg.kpi_changed': 'KPI target changed', 'chg.entry_changed': 'Entry rule changed', 'chg.owner_changed': 'Owner changed',
    'chg.note_added': 'Annotation added', 'chg.note_removed': 'Annotation removed', 'chg.note_changed': 'Annotation changed',
  },
  vi: {
    'skip': 'Chuyển đến bản đồ',
    'signin.title': 'Đăng nhập',
    'signin.help': 'Dán một khóa API. Quản trị viên tạo khóa bằng lệnh: journeymap keys create --role editor --name TÊN',
    'signin.key': 'Khóa API',
    'signin.submit': 'Đăng nhập',
    'signin.busy': 'Đang đăng nhập…',
    'tb.journey': 'Hành trình', 'tb.view': 'Góc nhìn nhóm', 'tb.lang': 'Ngôn ngữ', 'tb.period': 'Thời kỳ',
    'tb.year': 'Năm', 'tb.quarter': 'Quý', 'tb.from': 'Từ', 'tb.to': 'Đến',
    'tb.segment': 'Phân khúc', 'tb.value': 'Giá trị', 'tb.state': 'Trạng thái',
    'tb.idle': 'Đình trệ & im lặng', 'tb.history': 'Lịch sử', 'tb.signout': 'Đăng xuất',
    'view.full': 'Toàn bộ', 'view.marketing': 'Marketing', 'view.sales': 'Bán hàng',
    'view.product': 'Sản phẩm', 'view.cs': 'Chăm sóc khách hàng',
    'period.all': 'Mọi thời gian', 'period.year': 'Một năm', 'period.quarter': 'Một quý',
    'period.custom': 'Tùy chọn…',
    'seg.all': 'Mọi tài khoản', 'seg.industry': 'Ngành', 'seg.segment': 'Quy mô công ty',
    'seg.region': 'Khu vực', 'seg.loading': 'Đang tải giá trị…', 'seg.none': 'Không có giá trị',
    'state.current': 'Hiện tại', 'state.future': 'Tương lai', 'state.both': 'Hiện tại và tương lai',
    'role.admin': 'quản trị', 'role.editor': 'biên tập', 'role.viewer': 'chỉ xem', 'role.ingest': 'nạp dữ liệu',
    'who': '{0} ({1})',
    'loading': 'Đang tải…',
    'map.title': 'Bản đồ hành trình',
    'map.hint': 'Nhấp vào một giai đoạn, điểm chạm, điểm đứt gãy hoặc tài khoản để xem các tài khoản đứng sau. Người biên tập nhấp vào ô chữ để sửa. Esc đóng bảng.',
    'map.updated': 'Bản đồ đã cập nhật dữ liệu mới',
    'map.fresh': 'Cập nhật lúc {0}',
    'back': 'Quay lại', 'close': 'Đóng', 'more': 'Xem thêm', 'none': 'Không có gì ở đây.',
    'err.network': 'Không kết nối được máy chủ. Hãy kiểm tra journeymap serve đang chạy.',
    'err.400': 'Yêu cầu không được chấp nhận', 'err.401': 'Bạn chưa đăng nhập hoặc khóa không hợp lệ',
    'err.403': 'Vai trò của khóa không cho phép thao tác này', 'err.404': 'Không tìm thấy',
    'err.405': 'Không được phép ở đây', 'err.409': 'Người khác đã thay đổi trước: hãy tải lại và thử lần nữa',
    'err.413': 'Quá lớn', 'err.500': 'Máy chủ gặp lỗi',
    'err.other': 'Máy chủ trả lời {0}',
    'err.map': 'Không vẽ được bản đồ',
    'stage.owner': 'Phụ trách: {0}',
    'stat.reached': 'đã đến', 'stat.converted': 'chuyển đổi', 'stat.dropped': 'rời bỏ',
    'stat.now_in': 'đang ở giai đoạn', 'stat.idle': 'đình trệ hoặc im lặng', 'stat.rate': 'tỷ lệ chuyển đổi',
    'stat.median': 'số ngày trung vị', 'stat.events': 'sự kiện',
    'tab.reached': 'Đã đến', 'tab.converted': 'Chuyển đổi', 'tab.dropped': 'Rời bỏ',
    'tab.in_stage': 'Đang ở', 'tab.stalled': 'Đình trệ', 'tab.silent': 'Im lặng',
    'status.active': 'đang hoạt động', 'status.stalled': 'đình trệ', 'status.silent': 'im lặng',
    'status.won': 'thắng', 'status.lost': 'thua', 'status.open': 'đang mở',
    'accounts.n': '{0} tài khoản',
    'acc.days_in': '{0} ngày ở giai đoạn', 'acc.days_silent': '{0} ngày im lặng', 'acc.last': 'chạm gần nhất {0}',
    'tp.title': 'Điểm chạm: {0}', 'tp.help': 'Các tài khoản có điểm chạm này trong giai đoạn này.',
    'break.title': 'Điểm đứt gãy {0}', 'break.help': 'Các tài khoản đứng sau điểm đứt gãy này.',
    'idle.title': 'Tài khoản đình trệ & im lặng',
    'idle.help': 'Đình trệ: ở một giai đoạn lâu hơn mức cần thiết. Im lặng: đã lâu không có tương tác.',
    'acct.title': 'Tài khoản',
    'acct.industry': 'Ngành', 'acct.segment': 'Quy mô', 'acct.region': 'Khu vực',
    'acct.country': 'Quốc gia', 'acct.stage': 'Giai đoạn hiện tại', 'acct.status': 'Trạng thái',
    'acct.owner': 'Phụ trách', 'acct.id': 'Mã', 'acct.domain': 'Tên miền',
    'acct.contacts': 'Nhóm mua hàng và liên hệ', 'acct.deals': 'Giao dịch',
    'acct.timeline': 'Dòng thời gian',
    'col.name': 'Tên', 'col.title': 'Chức danh', 'col.role': 'Vai trò', 'col.email': 'Email',
    'col.deal': 'Giao dịch', 'col.amount': 'Giá trị', 'col.status': 'Trạng thái', 'col.dates': 'Ngày',
    'tl.moved': 'Chuyển sang {0}', 'tl.moved_from': 'Chuyển từ {0} sang {1}', 'tl.entered': 'Bước vào {0}',
    'tl.account': 'tài khoản', 'tl.empty': 'Không có bước chuyển hay điểm chạm nào.',
    'tl.n': '{0} bước chuyển và điểm chạm',
    'edit.title': '{0} · {1}',
    'edit.items': 'Mỗi dòng một mục ({0})',
    'edit.message': 'Đã thay đổi gì (lưu trong lịch sử)',
    'edit.message_default': 'Sửa {0} ở {1}',
    'edit.save': 'Lưu thành phiên bản mới', 'edit.saving': 'Đang lưu…',
    'edit.saved': 'Đã lưu thành phiên bản {0}', 'edit.saved_plain': 'Đã lưu',
    'edit.readonly': 'Bạn có thể xem bản đồ này nhưng không thể sửa.',
    'edit.old': 'Đây là phiên bản cũ: hãy quay về bản mới nhất để sửa.',
    'ann.title': 'Ghi chú trên ô này', 'ann.add': 'Thêm ghi chú',
    'ann.kind': 'Loại', 'ann.text': 'Nội dung', 'ann.submit': 'Thêm',
    'ann.pain_point': 'Điểm đau', 'ann.opportunity': 'Cơ hội', 'ann.note': 'Ghi chú',
    'ann.delete': 'Xóa', 'ann.deleted': 'Đã xóa ghi chú', 'ann.added': 'Đã thêm ghi chú',
    'ann.none': 'Chưa có ghi chú nào.', 'ann.confirm': 'Xóa ghi chú này?',
    'hist.title': 'Lịch sử phiên bản',
    'hist.help': 'Đánh dấu hai phiên bản để so sánh, hoặc xem bản đồ như lúc đó.',
    'hist.by': '{0} · {1}', 'hist.compare': 'So sánh hai bản đã đánh dấu',
    'hist.view': 'Xem bản đồ', 'hist.latest': 'mới nhất',
    'hist.select': 'Phiên bản {0}',
    'hist.diff': 'Từ phiên bản {0} đến {1}', 'hist.lanes': 'Theo từng làn',
    'hist.lines': 'Định nghĩa, theo từng dòng', 'hist.same': 'Không có khác biệt.',
    'hist.no_message': '(không có ghi chú)',
    'ver.banner': 'Phiên bản {0}, chỉ đọc', 'ver.latest': 'Về bản mới nhất',
    'diff.removed': 'đã bỏ', 'diff.added': 'đã thêm',
    'chg.stage_added': 'Đã thêm giai đoạn', 'chg.stage_removed': 'Đã bỏ giai đoạn', 'chg.stage_renamed': 'Đã đổi tên giai đoạn',
    'chg.kpi_changed': 'Đã đổi mục tiêu KPI', 'chg.entry_changed': 'Đã đổi quy tắc vào giai đoạn', 'chg.owner_changed': 'Đã đổi người phụ trách',
    'chg.note_added': 'Đã thêm ghi chú', 'chg.note_removed': 'Đã bỏ ghi chú', 'chg.note_changed': 'Đã sửa ghi chú',
  },
};

let lang = 'en';

/* The text for `key` in the current language, with {0}, {1}... replaced by the arguments. */
function t(key, ...args) {
  const d = I18N[lang] || I18N.en;
  const s = d[key] !== undefined ? d[key] : (I18N.en[key] !== undefined ? I18N.en[key] : key);
  return s.replace(/\{(\d)\}/g, (m, i) => (args[i] === undefined || args[i] === null ? '' : String(args[i])));
}

function locale() { return lang === 'vi' ? 'vi-VN' : 'en-GB'; }
function fmtInt(n) { return typeof n === 'number' ? new Intl.NumberFormat(locale()).format(n) : ''; }
function fmtNum(n, digits) {
  return typeof n === 'number' && isFinite(n)
    ? new Intl.NumberFormat(locale(), {maximumFractionDigits: digits, minimumFractionDigits: 0}).format(n) : '';
}
function fmtPct(x) {
  return typeof x === 'number' && isFinite(x)
    ? new Intl.NumberFormat(locale(), {style: 'percent', maximumFractionDigits: 1}).format(x) : '—';
}

/* Times arrive as ISO strings or as epoch numbers (seconds, milliseconds or microseconds). */
function toDate(v) {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') {
    const ms = v > 1e14 ? v / 1000 : (v > 1e11 ? v : v * 1000);
    return new Date(ms);
  }
  const d = new Date(String(v));
  return isNaN(d.getTime()) ? null : d;
}
function fmtDay(d) {
  return new Intl.DateTimeFormat(locale(), {weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC'}).format(d);
}
function fmtTime(d) {
  return new Intl.DateTimeFormat(locale(), {hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC'}).format(d);
}
function fmtWhen(v) {
  const d = toDate(v);
  if (!d) return typeof v === 'string' ? v : '';
  return new Intl.DateTimeFormat(locale(), {year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC'}).format(d) + ' UTC';
}

/* ---------------------------------------------------------------- DOM */

const $ = (id) => document.getElementById(id);

/* el('div', {class: 'x', data: {k: v}, on: {click: fn}, attr: value}, children...): children are
 * nodes, strings (always text), arrays, or null/false (skipped). */
function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
      else if (k === 'data') for (const [dk, dv] of Object.entries(v)) e.dataset[dk] = dv;
      else if (k === 'checked' || k === 'disabled' || k === 'value' || k === 'selected') e[k] = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(e, kids);
  return e;
}
function append(parent, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) append(parent, k);
    else if (k instanceof Node) parent.appendChild(k);
    else parent.appendChild(document.createTextNode(String(k)));
  }
}
function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

/* Applies the dictionary to the static page: data-t (text), data-t-title, data-t-aria. */
function translatePage() {
  document.documentElement.lang = lang;
  for (const e of document.querySelectorAll('[data-t]')) e.textContent = t(e.dataset.t);
  for (const e of document.querySelectorAll('[data-t-title]')) e.title = t(e.dataset.tTitle);
  for (const e of document.querySelectorAll('[data-t-aria]')) e.setAttribute('aria-label', t(e.dataset.tAria));
  document.title = t('map.title') + ' · journeymap';
}

let toastTimer = 0;
function toast(text) {
  let e = document.querySelector('.toast');
  if (!e) { e = el('div', {class: 'toast', role: 'status'}); document.body.appendChild(e); }
  e.textContent = text;
  e.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { e.hidden = true; }, 3500);
}

/* ---------------------------------------------------------------- the API */

const session = {csrf: '', role: '', name: ''};

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

/* An API error in words: what the status means in the user's language, then the server's own
 * message (which names the field, the line, the limit). */
function errorText(e) {
  if (!(e instanceof ApiError)) return String(e && e.message ? e.message : e);
  if (e.status === 0) return t('err.network');
  const head = I18N.en['err.' + e.status] !== undefined ? t('err.' + e.status) : t('err.other', e.status);
  return e.message && e.message !== head ? head + ': ' + e.message : head;
}

/*
 * Calls the API with the session cookie; unsafe methods carry the CSRF token. Resolves to the
 * JSON answer (or the text with {text: true}); rejects with an ApiError. A 401 outside sign-in
 * shows the sign-in form.
 */
async function api(method, path, body, opts) {
  opts = opts || {};
  const headers = {Accept: opts.text ? 'text/plain, text/yaml, */*' : 'application/json'};
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const init = {method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'network', '');
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  const raw = await res.text();
  if (type.includes('json')) {
    try { data = JSON.parse(raw); } catch (err) { data = null; }
  }
  if (!res.ok) {
    const e = data && data.error ? data.error : {};
    if (res.status === 401 && !opts.signin) showSignin();
    throw new ApiError(res.status, e.code || 'http', typeof e.message === 'string' ? e.message : '');
  }
  return opts.text ? raw : data;
}

const enc = encodeURIComponent;
function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== 0) p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}

/* The first array in an answer: the answer itself, or its `accounts`, `items`... member. */
function listOf(data, ...names) {
  if (Array.isArray(data)) return data;
  if (!data || typeof data !== 'object') return [];
  for (const n of names.concat(['items', 'data', 'results'])) if (Array.isArray(data[n])) return data[n];
  for (const v of Object.values(data)) if (Array.isArray(v)) return v;
  return [];
}
/* The first of `names` that `o` has as a non-empty value. */
function pick(o, ...names) {
  if (!o || typeof o !== 'object') return undefined;
  for (const n of names) if (o[n] !== undefined && o[n] !== null && o[n] !== '') return o[n];
  return undefined;
}
/* A text that may be {en, vi}. */
function text(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && !Array.isArray(v)) return String(v[lang] || v.en || v.vi || Object.values(v)[0] || '');
  return String(v);
}

/* ---------------------------------------------------------------- state in the URL */

const VIEWS = ['full', 'marketing', 'sales', 'product', 'cs'];
const LANGS = ['en', 'vi'];
const STATES = ['current', 'future', 'both'];
const st = {journey: '', view: 'full', lang: 'en', period: '', segment: '', state: 'current', version: 0};

function readHash() {
  const p = new URLSearchParams(location.hash.replace(/^#/, ''));
  const get = (k) => p.get(k) || '';
  st.journey = /^[A-Za-z0-9_.-]{1,64}$/.test(get('journey')) ? get('journey') : '';
  st.view = VIEWS.includes(get('view')) ? get('view') : 'full';
  st.lang = LANGS.includes(get('lang')) ? get('lang') : (LANGS.includes(localStorage.getItem('jm.lang')) ? localStorage.getItem('jm.lang') : guessLang());
  st.period = /^[0-9.\-]{4,23}$/.test(get('period')) ? get('period') : '';
  st.segment = get('segment').includes('=') && get('segment').length < 300 ? get('segment') : '';
  st.state = STATES.includes(get('state')) ? get('state') : 'current';
  st.version = /^[1-9][0-9]{0,8}$/.test(get('version')) ? Number(get('version')) : 0;
}
function writeHash() {
  const p = new URLSearchParams();
  if (st.journey) p.set('journey', st.journey);
  p.set('view', st.view);
  p.set('lang', st.lang);
  if (st.period) p.set('period', st.period);
  if (st.segment) p.set('segment', st.segment);
  p.set('state', st.state);
  if (st.version) p.set('version', String(st.version));
  const h = '#' + p.toString();
  if (location.hash !== h) history.replaceState(null, '', h);
}
function guessLang() {
  return (navigator.language || '').toLowerCase().startsWith('vi') ? 'vi' : 'en';
}

/* Filters every analysis call shares with the map. */
function filters() {
  return {journey: journeyKey(), period: st.period, segment: st.segment, lang: st.lang};
}

/* ---------------------------------------------------------------- toolbar */

const QUARTERS = {1: ['01-01', '03-31'], 2: ['04-01', '06-30'], 3: ['07-01', '09-30'], 4: ['10-01', '12-31']};
let years = [];
let journeys = [];

function periodParts(p) {
  let m = /^(\d{4})$/.exec(p);
  if (m) return {kind: 'year', year: m[1]};
  m = /^(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$/.exec(p);
  if (m && m[1] === m[4]) {
    for (const [q, [a, b]] of Object.entries(QUARTERS))
      if (m[2] + '-' + m[3] === a && m[5] + '-' + m[6] === b) return {kind: 'quarter', year: m[1], quarter: q};
  }
  m = /^(\d{4}-\d{2}-\d{2})?\.\.(\d{4}-\d{2}-\d{2})?$/.exec(p);
  if (m) return {kind: 'custom', from: m[1] || '', to: m[2] || ''};
  if (/^\d{4}-\d{2}$/.test(p)) return {kind: 'custom', from: p + '-01', to: ''};
  return {kind: ''};
}

function fillYears() {
  const sel = $('tb-year');
  const have = new Set(years);
  const now = new Date().getUTCFullYear();
  if (!have.size) for (let y = now; y > now - 5; y--) have.add(String(y));
  const p = periodParts(st.period);
  if (p.year) have.add(p.year);
  const list = Array.from(have).sort().reverse();
  const keep = sel.value;
  clear(sel);
  for (const y of list) sel.appendChild(el('option', {value: y, text: y}));
  sel.value = p.year || keep || list[0];
}

function syncToolbar() {
  $('tb-view').value = st.view;
  $('tb-lang').value = st.lang;
  $('tb-state').value = st.state;
  const p = periodParts(st.period);
  $('tb-period').value = p.kind;
  fillYears();
  if (p.quarter) $('tb-quarter').value = p.quarter;
  if (p.kind === 'custom') { $('tb-from').value = p.from; $('tb-to').value = p.to; }
  $('f-year').hidden = !(p.kind === 'year' || p.kind === 'quarter');
  $('f-quarter').hidden = p.kind !== 'quarter';
  $('f-from').hidden = $('f-to').hidden = p.kind !== 'custom';
  const seg = st.segment.split('=');
  const by = seg.length > 1 ? seg[0] : '';
  const bySel = $('tb-seg-by');
  if (by && !Array.from(bySel.options).some((o) => o.value === by)) bySel.appendChild(el('option', {value: by, text: by}));
  bySel.value = by;
  $('f-seg-value').hidden = !by;
  if (by) loadSegmentValues(by, seg.slice(1).join('='));
  const js = $('tb-journey');
  if (journeys.length && js.value !== journeyKey()) js.value = journeyKey();
  $('version-banner').hidden = !st.version;
  $('version-text').textContent = st.version ? t('ver.banner', st.version) : '';
  const who = $('who');
  clear(who);
  if (session.role) append(who, [el('b', {text: session.name || '—'}), ' · ', t('role.' + session.role)]);
}

function periodFromToolbar() {
  const kind = $('tb-period').value;
  const y = $('tb-year').value;
  if (kind === 'year') return y;
  if (kind === 'quarter') {
    const [a, b] = QUARTERS[$('tb-quarter').value];
    return y + '-' + a + '..' + y + '-' + b;
  }
  if (kind === 'custom') {
    const f = $('tb-from').value, to = $('tb-to').value;
    return f || to ? f + '..' + to : '';
  }
  return '';
}

let segToken = 0;
async function loadSegmentValues(by, want) {
  const sel = $('tb-seg-value');
  const token = ++segToken;
  if (sel.dataset.by === by && sel.options.length > 1) { if (want) sel.value = want; return; }
  clear(sel);
  sel.appendChild(el('option', {value: '', text: t('seg.loading')}));
  sel.disabled = true;
  let values = [];
  try {
    const d = await api('GET', '/api/v1/analysis/breakdown' + qs({journey: journeyKey(), by, lang: st.lang}));
    const groups = listOf(d, 'groups', 'breakdown');
    values = groups.map((g) => (typeof g === 'string' ? g : text(pick(g, 'label', 'value', 'key', 'name'))))
      .filter((v) => v && v !== '(all)' && v !== '(none)');
  } catch (e) {
    if (token === segToken) toast(errorText(e));
  }
  if (token !== segToken) return;
  clear(sel);
  sel.disabled = false;
  sel.dataset.by = by;
  if (want && !values.includes(want)) values.unshift(want);
  if (!values.length) sel.appendChild(el('option', {value: '', text: t('seg.none')}));
  for (const v of values) sel.appendChild(el('option', {value: v, text: v}));
  if (want) sel.value = want;
  else if (values.length && !st.segment) {
    st.segment = by + '=' + values[0];
    sel.value = values[0];
    changed();
  }
}

/* A toolbar switch moved: new state, new URL, new map. */
function changed() {
  writeHash();
  syncToolbar();
  loadMap();
}

function wireToolbar() {
  $('tb-view').addEventListener('change', (e) => { st.view = e.target.value; changed(); });
  $('tb-lang').addEventListener('change', (e) => setLang(e.target.value));
  $('tb-state').addEventListener('change', (e) => { st.state = e.target.value; changed(); });
  const period = () => {
    const kind = $('tb-period').value;
    $('f-year').hidden = !(kind === 'year' || kind === 'quarter');
    $('f-quarter').hidden = kind !== 'quarter';
    $('f-from').hidden = $('f-to').hidden = kind !== 'custom';
    const p = periodFromToolbar();
    if (kind === 'custom' && !p) return; /* wait for a date */
    if (p !== st.period) { st.period = p; changed(); }
  };
  for (const id of ['tb-period', 'tb-year', 'tb-quarter', 'tb-from', 'tb-to']) $(id).addEventListener('change', period);
  $('tb-seg-by').addEventListener('change', (e) => {
    const by = e.target.value;
    $('tb-seg-value').dataset.by = '';
    if (!by) { st.segment = ''; changed(); return; }
    $('f-seg-value').hidden = false;
    st.segment = '';
    loadSegmentValues(by, '');
  });
  $('tb-seg-value').addEventListener('change', (e) => {
    const by = $('tb-seg-by').value;
    st.segment = by && e.target.value ? by + '=' + e.target.value : '';
    changed();
  });
  $('tb-journey').addEventListener('change', (e) => { st.journey = e.target.value; st.version = 0; closePanel(); changed(); });
  $('btn-latest').addEventListener('click', () => { st.version = 0; changed(); });
  $('btn-idle').addEventListener('click', () => openIdle());
  $('btn-history').addEventListener('click', () => openHistory());
  $('btn-signout').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => { readHash(); setLang(st.lang, true); });
}

function setLang(l, fromHash) {
  st.lang = LANGS.includes(l) ? l : 'en';
  lang = st.lang;
  try { localStorage.setItem('jm.lang', lang); } catch (e) { /* private mode */ }
  translatePage();
  if (!fromHash) writeHash();
  syncToolbar();
  if (!$('app').hidden) {
    loadMap();
    if (panelRedraw) panelRedraw();
  }
}

function journeyKey() {
  return st.journey || (mapJson && mapJson.journey) || (journeys[0] && journeys[0].key) || '';
}

async function loadJourneys() {
  try {
    const d = await api('GET', '/api/v1/journeys');
    journeys = listOf(d, 'journeys').filter((j) => j && typeof j.key === 'string');
  } catch (e) {
    journeys = [];
  }
  const sel = $('tb-journey');
  clear(sel);
  for (const j of journeys) sel.appendChild(el('option', {value: j.key, text: text(j.name) || j.key}));
  $('f-journey').hidden = journeys.length < 2;
  if (journeys.length) sel.value = journeyKey();
}

/* ---------------------------------------------------------------- the map */

const frame = () => $('map-frame');
let mapJson = null;       /* the map's JSON form for the current switches (stage numbers, names) */
let mapJsonUrl = '';
let mapText = '';         /* the text of the shown map, to notice new data */
let mapStarted = 0;
let mapLoads = 0;

function mapParams(format) {
  return qs({format, journey: st.journey, view: st.view, lang: st.lang, period: st.period,
             segment: st.segment, state: st.state, version: st.version});
}

function loadMap(keepScroll) {
  const url = '/api/v1/map' + mapParams('html');
  const f = frame();
  let scroll = null;
  if (keepScroll) {
    try { scroll = [f.contentWindow.scrollX, f.contentWindow.scrollY, mapScrollX()]; } catch (e) { scroll = null; }
  }
  f.dataset.scroll = scroll ? JSON.stringify(scroll) : '';
  mapStarted = performance.now();
  document.documentElement.dataset.map = 'loading';
  $('map-loading').hidden = false;
  $('map-error').hidden = true;
  f.src = url;
}

function mapScrollX() {
  const sc = frame().contentDocument && frame().contentDocument.querySelector('.jm-scroll');
  return sc ? sc.scrollLeft : 0;
}

function onMapLoad() {
  const f = frame();
  if (!f.getAttribute('src')) return;
  $('map-loading').hidden = true;
  let doc = null;
  try { doc = f.contentDocument; } catch (e) { doc = null; }
  if (!doc || !doc.querySelector('main#jm-map')) {
    /* The server answered an error (JSON) instead of the map. */
    let msg = '';
    try {
      const body = doc && doc.body ? doc.body.textContent : '';
      const j = JSON.parse(body);
      msg = j && j.error && j.error.message ? String(j.error.message) : '';
    } catch (e) { msg = ''; }
    const box = $('map-error');
    clear(box);
    append(box, [el('b', {text: t('err.map')}), msg ? ': ' + msg : '']);
    box.hidden = false;
    document.documentElement.dataset.map = 'error';
    return;
  }
  mapLoads++;
  mapJson = null; /* the JSON of the previous switches no longer applies */
  const ms = performance.now() - mapStarted;
  document.documentElement.dataset.map = 'ready';
  document.documentElement.dataset.mapMs = String(Math.round(performance.now()));
  document.documentElement.dataset.mapLoadMs = String(Math.round(ms));
  document.documentElement.dataset.mapLoads = String(mapLoads);
  mapBaseline('/api/v1/map' + mapParams('html'));
  $('status').textContent = t('map.fresh', fmtTime(new Date()) + ' UTC');
  decorateMap(doc);
  if (f.dataset.scroll) {
    try {
      const [x, y, sx] = JSON.parse(f.dataset.scroll);
      f.contentWindow.scrollTo(x, y);
      const sc = doc.querySelector('.jm-scroll');
      if (sc) sc.scrollLeft = sx;
    } catch (e) { /* the old position does not matter much */ }
  }
  loadMapJson();
}

async function loadMapJson() {
  const url = '/api/v1/map' + mapParams('json');
  if (url === mapJsonUrl && mapJson) return mapJson;
  mapJsonUrl = url;
  try {
    const j = await api('GET', url);
    if (mapJsonUrl !== url) return mapJson;
    mapJson = j;
    if (!st.period && j && typeof j.from === 'string' && typeof j.to === 'string') {
      const a = parseInt(j.from.slice(0, 4), 10), b = parseInt(j.to.slice(0, 4), 10);
      if (a > 1900 && b >= a && b - a < 50) {
        years = [];
        for (let y = b; y >= a; y--) years.push(String(y));
        fillYears();
      }
    }
    if (!journeys.length || !$('tb-journey').value) $('tb-journey').value = journeyKey();
  } catch (e) {
    mapJson = null;
  }
  return mapJson;
}

function frameDoc() {
  try { return frame().contentDocument; } catch (e) { return null; }
}
function stageInfo(key) {
  const s = mapJson && Array.isArray(mapJson.stages) ? mapJson.stages.find((x) => x.key === key) : null;
  return s || {key};
}
/* Names come from the map on screen first (its view and language), then its JSON form. */
function stageName(key) {
  if (key === null || key === undefined || key === '') return '';
  if (typeof key === 'number') return mapJson && mapJson.stages && mapJson.stages[key] ? mapJson.stages[key].name : String(key);
  if (typeof key === 'object') return text(pick(key, 'name', 'key'));
  const doc = frameDoc();
  const h = doc && doc.querySelector('.jm-stage[data-stage="' + CSS.escape(String(key)) + '"] h2');
  if (h) return h.textContent;
  return text(stageInfo(String(key)).name) || String(key);
}
function laneName(key) {
  const doc = frameDoc();
  const h = doc && doc.querySelector('.jm-lane[data-lane="' + CSS.escape(String(key)) + '"] h3');
  if (h) return h.textContent;
  const l = mapJson && Array.isArray(mapJson.lanes) ? mapJson.lanes.find((x) => x.key === key) : null;
  return l && l.name ? l.name : String(key);
}

/*
 * Makes the map's elements clickable from here: the map document runs no script (its frame is
 * sandboxed without allow-scripts), so the listeners live in this page's realm. Each target
 * gets tabindex and role=button so the keyboard reaches it.
 */
function decorateMap(doc) {
  const editable = canEdit();
  const style = doc.createElement('style');
  style.textContent =
    '[data-jm-go]{cursor:pointer}' +
    '[data-jm-go]:hover{box-shadow:inset 0 0 0 2px rgba(47,107,216,.45)}' +
    '[data-jm-go]:focus-visible{outline:3px solid #2f6bd8;outline-offset:-3px}' +
    '@media print{[data-jm-go]:hover{box-shadow:none}}';
  doc.head.appendChild(style);
  const mark = (sel, what) => {
    for (const e of doc.querySelectorAll(sel)) {
      e.dataset.jmGo = what;
      e.tabIndex = 0;
      e.setAttribute('role', 'button');
    }
  };
  mark('.jm-stage[data-stage]', 'stage');
  mark('.jm-cell[data-stage]:not([data-kind="text"])', 'stage');
  if (editable) mark('.jm-cell[data-kind="text"][data-stage]', 'edit');
  else mark('.jm-cell[data-kind="text"][data-stage]', 'stage');
  mark('.jm-tp[data-touchpoint]', 'touchpoint');
  mark('.jm-break[data-break]', 'break');
  mark('tr[data-account]', 'account');
  doc.addEventListener('click', (ev) => {
    const target = ev.target.closest && ev.target.closest('[data-jm-go]');
    if (!target) return;
    ev.preventDefault();
    go(target);
  });
  doc.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { closePanel(); return; }
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    const target = ev.target.closest && ev.target.closest('[data-jm-go]');
    if (!target || target !== ev.target) return;
    ev.preventDefault();
    go(target);
  });
}

function go(target) {
  lastFocus = target;
  const what = target.dataset.jmGo;
  const stage = target.dataset.stage || (target.closest('[data-stage]') && target.closest('[data-stage]').dataset.stage) || '';
  if (what === 'stage') openStage(stage, 'reached');
  else if (what === 'edit') openEditor(stage, target.dataset.lane, target);
  else if (what === 'touchpoint') {
    const name = target.querySelector('.jm-tp-name');
    openTouchpoint(target.dataset.touchpoint, name ? name.textContent : target.dataset.touchpoint, stage);
  } else if (what === 'break') openBreak(Number(target.dataset.break), target);
  else if (what === 'account') {
    const first = target.querySelector('td');
    openAccount(target.dataset.account, first ? first.firstChild && first.firstChild.textContent : '');
  }
}

/*
 * Every 30 s, while the tab is visible: fetch the map's HTML again (the server answers from its
 * cache while nothing changed) and reload the frame only when it differs from what the frame
 * showed. The text is compared as it came, never parsed here: a parsed copy would be a second
 * document under this page's CSP, whose inline styles it refuses.
 */
async function fetchMapText(url) {
  return api('GET', url, undefined, {text: true});
}

function mapBaseline(url) {
  mapText = '';
  setTimeout(async () => {
    if ('/api/v1/map' + mapParams('html') !== url) return;
    try {
      const text = await fetchMapText(url);
      if ('/api/v1/map' + mapParams('html') === url && !mapText) mapText = text;
    } catch (e) { /* the poll sets it */ }
  }, 1500);
}

function startRefresh() {
  setInterval(async () => {
    if (document.hidden || $('app').hidden || st.version || document.documentElement.dataset.map !== 'ready') return;
    if (!$('panel').hidden && $('panel').dataset.kind === 'edit') return;
    const url = '/api/v1/map' + mapParams('html');
    try {
      const text = await fetchMapText(url);
      if ('/api/v1/map' + mapParams('html') !== url) return;
      if (!mapText) { mapText = text; return; }
      if (text !== mapText) {
        mapJson = null;
        mapJsonUrl = '';
        loadMap(true);
        toast(t('map.updated'));
      }
    } catch (e) { /* the next tick tries again */ }
  }, 30000);
}

/* ---------------------------------------------------------------- the side panel */

let panelRedraw = null;   /* redraws the open panel in a new language */
let panelStack = [];      /* [title, redraw] of the panels "Back" returns to */
let lastFocus = null;

function openPanel(kind, title, draw, opts) {
  opts = opts || {};
  const p = $('panel');
  if (!p.hidden && panelRedraw && opts.push) panelStack.push(panelRedraw);
  else if (!opts.push) panelStack = [];
  p.dataset.kind = kind;
  p.classList.toggle('wide', !!opts.wide);
  const redraw = () => {
    $('panel-title').textContent = typeof title === 'function' ? title() : title;
    const body = $('panel-body');
    clear(body);
    draw(body);
    $('panel-back').hidden = panelStack.length === 0;
  };
  panelRedraw = redraw;
  p.hidden = false;
  redraw();
  $('panel-title').focus();
}

function closePanel() {
  const p = $('panel');
  if (p.hidden) return;
  p.hidden = true;
  p.dataset.kind = '';
  panelRedraw = null;
  panelStack = [];
  if (lastFocus && lastFocus.isConnected) {
    try { frame().focus(); lastFocus.focus(); } catch (e) { /* gone with a reload */ }
  }
}

function panelBack() {
  const prev = panelStack.pop();
  if (!prev) { closePanel(); return; }
  panelRedraw = prev;
  prev();
  $('panel-back').hidden = panelStack.length === 0;
  $('panel-title').focus();
}

function loadingNode() {
  return el('p', {class: 'muted', role: 'status'}, el('span', {class: 'spinner dark', 'aria-hidden': 'true'}), t('loading'));
}
function errorNode(e) { return el('p', {class: 'error', role: 'alert', text: errorText(e)}); }

/* Runs `load` and puts what `render` makes of its result into `box`, with a loading state and
 * the error in words. A box redrawn meanwhile (language switch) ignores the late answer. */
async function fill(box, load, render) {
  clear(box);
  box.appendChild(loadingNode());
  const token = (box._token = (box._token || 0) + 1);
  let data;
  try {
    data = await load();
  } catch (e) {
    if (box._token !== token) return;
    clear(box);
    box.appendChild(errorNode(e));
    return;
  }
  if (box._token !== token) return;
  clear(box);
  append(box, [render(data)]);
}

function statusChip(status) {
  if (!status) return null;
  const s = String(status);
  return el('span', {class: 'chip chip-' + s.replace(/[^a-z_]/g, ''), text: I18N.en['status.' + s] ? t('status.' + s) : s});
}

/* A list of accounts from an answer; each opens its timeline. */
function accountList(data, more) {
  const items = listOf(data, 'accounts', 'units');
  const box = el('div', {class: 'accounts'});
  const total = pick(data && !Array.isArray(data) ? data : {}, 'total', 'count');
  box.appendChild(el('p', {class: 'sub', text: t('accounts.n', fmtInt(typeof total === 'number' ? total : items.length))}));
  if (!items.length) { box.appendChild(el('p', {class: 'empty', text: t('none')})); return box; }
  const ul = el('ul', {class: 'list'});
  for (const a of items) ul.appendChild(accountRow(a));
  box.appendChild(ul);
  const next = data && !Array.isArray(data) ? pick(data, 'next', 'next_after', 'after') : undefined;
  if (more && next !== undefined && items.length) {
    const b = el('button', {type: 'button', class: 'more', text: t('more'), on: {click: async () => {
      b.disabled = true;
      try {
        const d = await more(next);
        const add = accountList(d, more);
        const list = add.querySelector('ul');
        if (list) for (const li of Array.from(list.children)) ul.appendChild(li);
        const nb = add.querySelector('button.more');
        if (nb) b.replaceWith(nb); else b.remove();
      } catch (e) { b.replaceWith(errorNode(e)); }
    }}});
    box.appendChild(b);
  }
  return box;
}

function accountRow(a) {
  const id = String(pick(a, 'id', 'account_id', 'account') || '');
  const name = text(pick(a, 'name', 'account_name')) || id;
  const meta = [];
  const stage = pick(a, 'stage_name', 'stage', 'current_stage');
  if (stage !== undefined) meta.push(stageName(stage));
  const din = pick(a, 'days_in_stage');
  if (typeof din === 'number') meta.push(t('acc.days_in', fmtNum(din, 0)));
  const ds = pick(a, 'days_silent');
  if (typeof ds === 'number' && ds >= 1) meta.push(t('acc.days_silent', fmtNum(ds, 0)));
  const lt = pick(a, 'last_touch', 'last_seen');
  if (lt) meta.push(t('acc.last', fmtDateShort(lt)));
  const status = pick(a, 'status', 'state');
  return el('li', null, el('button', {type: 'button', class: 'item', on: {click: () => openAccount(id, name, true)}},
    el('span', {class: 'name', text: name}),
    typeof status === 'string' ? statusChip(status) : null,
    el('span', {class: 'meta', text: meta.join(' · ')})));
}

function fmtDateShort(v) {
  const d = toDate(v);
  if (!d) return String(v);
  return new Intl.DateTimeFormat(locale(), {year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC'}).format(d);
}

/* ---------------------------------------------------------------- drill-down */

const TABS = ['reached', 'converted', 'dropped', 'in_stage', 'stalled', 'silent'];

function openStage(key, tab) {
  let current = TABS.includes(tab) ? tab : 'reached';
  /* The numbers come from the map's JSON form: open at once, fill them in when it arrives. */
  if (!mapJson) {
    loadMapJson().then(() => {
      const p = $('panel');
      if (mapJson && !p.hidden && p.dataset.kind === 'stage' && p.dataset.stage === key && panelRedraw) panelRedraw();
    });
  }
  openPanel('stage', () => stageName(key), (body) => {
    $('panel').dataset.stage = key;
    const s = stageInfo(key);
    const owner = text(s.owner_name || s.owner);
    if (owner) body.appendChild(el('p', {class: 'sub'}, el('span', {class: 'team-dot team-' + String(s.owner || '').replace(/[^a-z_]/g, '')}), t('stage.owner', owner)));
    const median = s.days_in_stage && typeof s.days_in_stage === 'object' ? s.days_in_stage.median : s.days_in_stage;
    const stats = [
      ['reached', fmtInt(s.reached)], ['converted', fmtInt(s.converted)], ['dropped', fmtInt(s.dropped)],
      ['now_in', fmtInt(s.now_in)], ['rate', fmtPct(s.rate)], ['median', fmtNum(median, 1) || '—'],
    ];
    body.appendChild(el('div', {class: 'stats'}, stats.map(([k, v]) =>
      el('div', {class: 'stat', data: {stat: k}}, el('b', {text: v || '—'}), el('span', {text: t('stat.' + k)})))));
    const counts = {reached: s.reached, converted: s.converted, dropped: s.dropped, in_stage: s.now_in};
    const tabs = el('div', {class: 'tabs', role: 'tablist'});
    const list = el('div', {class: 'tab-body', role: 'tabpanel'});
    const select = (k) => {
      current = k;
      for (const b of tabs.children) b.setAttribute('aria-selected', String(b.dataset.tab === k));
      const load = (after) => api('GET', '/api/v1/journeys/' + enc(journeyKey()) + '/stages/' + enc(key) + '/accounts' +
        qs(Object.assign(filters(), {status: k, version: st.version, after})));
      fill(list, () => load(), (d) => accountList(d, load));
    };
    for (const k of TABS) {
      tabs.appendChild(el('button', {type: 'button', role: 'tab', data: {tab: k}, 'aria-selected': 'false', on: {click: () => select(k)}},
        t('tab.' + k), typeof counts[k] === 'number' ? el('span', {class: 'n', text: fmtInt(counts[k])}) : null));
    }
    tabs.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
      const i = TABS.indexOf(current) + (ev.key === 'ArrowRight' ? 1 : TABS.length - 1);
      select(TABS[i % TABS.length]);
      tabs.children[i % TABS.length].focus();
    });
    body.appendChild(tabs);
    body.appendChild(list);
    select(current);
  });
}

function openTouchpoint(key, name, stage) {
  openPanel('touchpoint', () => t('tp.title', name), (body) => {
    body.appendChild(el('p', {class: 'sub', text: (stage ? stageName(stage) + ' · ' : '') + t('tp.help')}));
    const box = el('div');
    body.appendChild(box);
    const load = (after) => api('GET', '/api/v1/journeys/' + enc(journeyKey()) + '/touchpoints/' + enc(key) + '/accounts' +
      qs(Object.assign(filters(), {stage, version: st.version, after})));
    fill(box, () => load(), (d) => accountList(d, load));
  });
}

function openBreak(n, card) {
  const head = card && card.querySelector('h3') ? card.querySelector('h3').textContent : '';
  const para = card && card.querySelector('p') ? card.querySelector('p').textContent : '';
  openPanel('break', () => t('break.title', n), (body) => {
    if (head) body.appendChild(el('h3', {text: head}));
    if (para) body.appendChild(el('p', {text: para}));
    body.appendChild(el('p', {class: 'sub', text: t('break.help')}));
    const box = el('div');
    body.appendChild(box);
    const load = (after) => api('GET', '/api/v1/journeys/' + enc(journeyKey()) + '/breaks/' + enc(n) + '/accounts' +
      qs(Object.assign(filters(), {version: st.version, after})));
    fill(box, () => load(), (d) => accountList(d, load));
  });
}

function openIdle() {
  lastFocus = $('btn-idle');
  let current = 'stalled';
  openPanel('idle', () => t('idle.title'), (body) => {
    body.appendChild(el('p', {class: 'sub', text: t('idle.help')}));
    const tabs = el('div', {class: 'tabs', role: 'tablist'});
    const list = el('div', {role: 'tabpanel'});
    const select = (k) => {
      current = k;
      for (const b of tabs.children) b.setAttribute('aria-selected', String(b.dataset.tab === k));
      const load = (after) => api('GET', '/api/v1/accounts' + qs(Object.assign(filters(), {status: k, after, limit: 100})));
      fill(list, () => load(), (d) => accountList(d, load));
    };
    for (const k of ['stalled', 'silent'])
      tabs.appendChild(el('button', {type: 'button', role: 'tab', data: {tab: k}, on: {click: () => select(k)}}, t('tab.' + k)));
    body.appendChild(tabs);
    body.appendChild(list);
    select(current);
  });
}

/* ---------------------------------------------------------------- an account's timeline */

function openAccount(id, name, push) {
  if (!id) return;
  openPanel('account', () => name || t('acct.title'), (body) => {
    const head = el('div');
    const tl = el('div');
    body.appendChild(head);
    body.appendChild(el('h3', {text: t('acct.timeline')}));
    body.appendChild(tl);
    fill(head, () => api('GET', '/api/v1/accounts/' + enc(id) + qs({journey: journeyKey(), lang: st.lang})), renderAccount);
    fill(tl, () => api('GET', '/api/v1/accounts/' + enc(id) + '/timeline' + qs({journey: journeyKey(), lang: st.lang})), renderTimeline);
  }, {push: push});
}

function renderAccount(d) {
  const a = Object.assign({}, d && d.account && typeof d.account === 'object' ? d.account : {}, d || {},
    d && d.journey && typeof d.journey === 'object' ? d.journey : {});
  if (d && d.journey && typeof d.journey === 'object') a.name = d.name || d.journey.name;
  const box = el('div', {class: 'account'});
  const title = text(pick(a, 'name'));
  if (title && title !== $('panel-title').textContent) $('panel-title').textContent = title;
  const props = a.properties && typeof a.properties === 'object' ? a.properties : {};
  const rows = [
    ['acct.id', pick(a, 'id')], ['acct.domain', pick(a, 'domain')],
    ['acct.industry', pick(a, 'industry') || props.industry], ['acct.segment', [pick(a, 'segment') || props.segment, pick(a, 'size_band')].filter(Boolean).join(' · ')],
    ['acct.region', pick(a, 'region') || props.region], ['acct.country', pick(a, 'country') || props.country],
    ['acct.owner', pick(a, 'owner', 'owner_name')],
    ['acct.stage', stageName(pick(a, 'stage_name', 'stage', 'current_stage'))], ['acct.status', pick(a, 'status')],
  ];
  const dl = el('dl', {class: 'kv'});
  for (const [k, v] of rows) {
    if (v === undefined || v === null || v === '' || typeof v === 'object') continue;
    dl.appendChild(el('dt', {text: t(k)}));
    dl.appendChild(el('dd', null, k === 'acct.status' ? statusChip(v) : String(v)));
  }
  box.appendChild(dl);
  const contacts = listOf(a.contacts || [], 'contacts');
  box.appendChild(el('h3', {text: t('acct.contacts')}));
  if (!contacts.length) box.appendChild(el('p', {class: 'empty', text: t('none')}));
  else {
    const tb = el('tbody');
    for (const c of contacts) {
      tb.appendChild(el('tr', null,
        el('td', {text: text(pick(c, 'name', 'full_name')) || [c.first_name, c.last_name].filter(Boolean).join(' ') || String(pick(c, 'id') || '')}),
        el('td', {text: text(pick(c, 'title', 'job_title')) || ''}),
        el('td', {text: text(pick(c, 'dmu_role_name', 'role_name', 'dmu_role', 'role')) || ''})));
    }
    box.appendChild(el('table', {class: 'simple'}, el('thead', null, el('tr', null,
      el('th', {text: t('col.name')}), el('th', {text: t('col.title')}), el('th', {text: t('col.role')}))), tb));
  }
  const deals = listOf(a.deals || [], 'deals');
  box.appendChild(el('h3', {text: t('acct.deals')}));
  if (!deals.length) box.appendChild(el('p', {class: 'empty', text: t('none')}));
  else {
    const tb = el('tbody');
    for (const x of deals) {
      const amount = pick(x, 'amount', 'value');
      const cur = pick(x, 'currency') || '';
      const dates = [pick(x, 'created', 'created_at'), pick(x, 'closed', 'closed_at', 'close_date')].filter(Boolean).map(fmtDateShort).join(' → ');
      tb.appendChild(el('tr', null,
        el('td', {text: text(pick(x, 'name', 'id'))}),
        el('td', {text: typeof amount === 'number' ? fmtNum(amount, 0) + (cur ? ' ' + cur : '') : (amount ? String(amount) : '')}),
        el('td', null, statusChip(pick(x, 'status', 'stage'))),
        el('td', {text: dates})));
    }
    box.appendChild(el('table', {class: 'simple'}, el('thead', null, el('tr', null,
      el('th', {text: t('col.deal')}), el('th', {text: t('col.amount')}), el('th', {text: t('col.status')}), el('th', {text: t('col.dates')}))), tb));
  }
  return box;
}

/* One timeline entry in words: {when, move, what, who}. */
function timelineEntry(x) {
  const when = toDate(pick(x, 'ts', 'time', 'at', 'timestamp', 'date', 'when'));
  const kind = String(pick(x, 'kind', 'type') || '');
  const isMove = x._move === true || (x._move === undefined && x.touchpoint === undefined &&
    (/move|stage|transition|enter|forward|back|skip/.test(kind) || x.to !== undefined));
  let what;
  if (isMove) {
    const from = pick(x, 'from_name', 'from');
    const to = pick(x, 'to_name', 'to', 'stage_name', 'stage');
    what = from !== undefined && from !== null && from !== '' ? t('tl.moved_from', stageName(from), stageName(to)) : t('tl.entered', stageName(to));
  } else {
    what = text(pick(x, 'touchpoint_name', 'name', 'touchpoint', 'event', 'label')) || kind;
  }
  const c = x.contact && typeof x.contact === 'object' ? x.contact : {};
  const person = text(pick(c, 'name')) || text(pick(x, 'contact_name', 'person')) || (typeof x.contact === 'string' ? x.contact : '');
  const role = text(pick(c, 'dmu_role_name', 'role_name', 'role', 'dmu_role')) || text(pick(x, 'dmu_role_name', 'role_name', 'dmu_role', 'role'));
  const channel = text(pick(x, 'channel_group', 'channel'));
  const who = [person || (isMove ? '' : t('tl.account')), role, channel].filter(Boolean).join(' · ');
  return {when, isMove, what, who};
}

function renderTimeline(d) {
  /* {moves: [...], events: [...]} (api_data.c), or one list of both kinds. */
  let items;
  if (d && (Array.isArray(d.moves) || Array.isArray(d.events)))
    items = (d.moves || []).map((x) => Object.assign({}, x, {_move: true})).concat(d.events || []);
  else items = listOf(d, 'timeline', 'entries', 'items');
  const box = el('div', {class: 'timeline'});
  if (!items.length) { box.appendChild(el('p', {class: 'empty', text: t('tl.empty')})); return box; }
  const entries = items.map(timelineEntry);
  entries.sort((a, b) => (a.when ? a.when.getTime() : 0) - (b.when ? b.when.getTime() : 0));
  box.appendChild(el('p', {class: 'sub', text: t('tl.n', fmtInt(entries.length))}));
  let day = '', group = null;
  for (const e of entries) {
    const label = e.when ? fmtDay(e.when) : '—';
    if (label !== day) {
      day = label;
      group = el('section', {class: 'day'}, el('h4', {text: label}));
      box.appendChild(group);
    }
    group.appendChild(el('div', {class: 'ev' + (e.isMove ? ' move' : '')},
      el('time', {text: e.when ? fmtTime(e.when) : '', datetime: e.when ? e.when.toISOString() : null}),
      el('div', null, el('div', {class: 'what', text: e.what}), e.who ? el('div', {class: 'who sub', text: e.who}) : null)));
  }
  return box;
}

/* ---------------------------------------------------------------- editing */

function canEdit() {
  return (session.role === 'admin' || session.role === 'editor') && !st.version;
}

/* The items the map shows in a text cell, today's state, in the map's language. */
function cellItems(cell) {
  if (!cell) return [];
  const scope = cell.querySelector('.jm-today') || (cell.querySelector('.jm-future') ? null : cell);
  if (!scope) return [];
  return Array.from(scope.querySelectorAll('.jm-items > li')).map((li) => li.textContent);
}

function openEditor(stage, lane, cell) {
  const items = cellItems(cell);
  const sName = stageName(stage), lName = laneName(lane);
  openPanel('edit', () => t('edit.title', laneName(lane), stageName(stage)), (body) => {
    if (!canEdit()) { body.appendChild(el('p', {class: 'muted', text: st.version ? t('edit.old') : t('edit.readonly')})); return; }
    const ta = el('textarea', {id: 'edit-items', rows: Math.max(5, items.length + 2), spellcheck: 'true', lang: st.lang});
    ta.value = items.join('\n');
    const msg = el('input', {type: 'text', id: 'edit-message', maxlength: 200, placeholder: t('edit.message_default', lName, sName)});
    const out = el('p', {role: 'status'});
    const save = el('button', {type: 'submit', class: 'primary', text: t('edit.save')});
    const form = el('form', {class: 'editor'},
      el('label', {for: 'edit-items', text: t('edit.items', st.lang === 'vi' ? 'Tiếng Việt' : 'English')}), ta,
      el('label', {for: 'edit-message', text: t('edit.message')}), msg,
      el('div', {class: 'row'}, save), out);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      save.disabled = true;
      save.textContent = t('edit.saving');
      clear(out);
      const list = ta.value.split('\n').map((s) => s.trim()).filter(Boolean);
      try {
        const r = await api('PUT', '/api/v1/journeys/' + enc(journeyKey()) + '/stages/' + enc(stage) + '/lanes/' + enc(lane),
          {lang: st.lang, items: list, message: msg.value.trim() || t('edit.message_default', lName, sName)});
        const v = pick(r || {}, 'version');
        out.className = 'msg-ok';
        out.textContent = typeof v === 'number' ? t('edit.saved', v) : t('edit.saved_plain');
        toast(out.textContent);
        mapJson = null; mapJsonUrl = '';
        loadMap(true);
      } catch (e) {
        out.className = 'error';
        out.textContent = errorText(e);
      }
      save.disabled = false;
      save.textContent = t('edit.save');
    });
    body.appendChild(form);
    const ann = el('div');
    body.appendChild(el('h3', {text: t('ann.title')}));
    body.appendChild(ann);
    drawAnnotations(ann, stage, lane);
  });
}

async function drawAnnotations(box, stage, lane) {
  const key = journeyKey();
  fill(box, () => api('GET', '/api/v1/journeys/' + enc(key) + '/annotations'), (d) => {
    const all = listOf(d, 'annotations').filter((a) => a && a.stage === stage && (!a.lane || a.lane === lane));
    const wrap = el('div', {class: 'editor'});
    if (!all.length) wrap.appendChild(el('p', {class: 'empty', text: t('ann.none')}));
    else {
      const ul = el('ul', {class: 'note-list'});
      for (const a of all) {
        const del = el('button', {type: 'button', class: 'danger', text: t('ann.delete'), on: {click: async () => {
          del.disabled = true;
          try {
            await api('DELETE', '/api/v1/journeys/' + enc(key) + '/annotations/' + enc(String(a.id)));
            toast(t('ann.deleted'));
            mapJson = null; mapJsonUrl = '';
            loadMap(true);
            drawAnnotations(box, stage, lane);
          } catch (e) { del.replaceWith(errorNode(e)); }
        }}});
        ul.appendChild(el('li', null, el('span', {class: 'chip', text: I18N.en['ann.' + a.kind] ? t('ann.' + a.kind) : String(a.kind || '')}),
          el('span', {class: 'text', text: text(a.text)}), del));
      }
      wrap.appendChild(ul);
    }
    const kind = el('select', {id: 'ann-kind'},
      ['pain_point', 'opportunity', 'note'].map((k) => el('option', {value: k, text: t('ann.' + k)})));
    const txt = el('input', {type: 'text', id: 'ann-text', maxlength: 500, required: true});
    const out = el('p', {role: 'status'});
    const add = el('button', {type: 'submit', text: t('ann.submit')});
    const form = el('form', {class: 'editor'}, el('h4', {text: t('ann.add')}),
      el('div', {class: 'row'}, el('label', {for: 'ann-kind', text: t('ann.kind')}), kind),
      el('label', {for: 'ann-text', text: t('ann.text')}), txt, el('div', {class: 'row'}, add), out);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!txt.value.trim()) return;
      add.disabled = true;
      try {
        await api('POST', '/api/v1/journeys/' + enc(key) + '/annotations',
          {stage, lane, kind: kind.value, text: txt.value.trim(), lang: st.lang});
        toast(t('ann.added'));
        mapJson = null; mapJsonUrl = '';
        loadMap(true);
        drawAnnotations(box, stage, lane);
      } catch (e) {
        out.className = 'error';
        out.textContent = errorText(e);
        add.disabled = false;
      }
    });
    wrap.appendChild(form);
    return wrap;
  });
}

/* ---------------------------------------------------------------- history */

function openHistory() {
  lastFocus = $('btn-history');
  const picked = [];
  openPanel('history', () => t('hist.title'), (body) => {
    body.appendChild(el('p', {class: 'sub', text: t('hist.help')}));
    const list = el('div');
    const diff = el('div', {class: 'diff-box'});
    body.appendChild(list);
    body.appendChild(diff);
    const key = journeyKey();
    fill(list, () => api('GET', '/api/v1/journeys/' + enc(key) + '/versions'), (d) => {
      const versions = listOf(d, 'versions').slice().sort((a, b) => (b.version || 0) - (a.version || 0));
      const newest = versions.length ? versions[0].version : 0;
      const cmp = el('button', {type: 'button', class: 'primary', id: 'hist-compare', text: t('hist.compare'), disabled: true});
      const ul = el('ul', {class: 'versions'});
      const sync = () => {
        cmp.disabled = picked.length !== 2;
        for (const cb of ul.querySelectorAll('input')) cb.checked = picked.includes(Number(cb.value));
      };
      for (const v of versions) {
        const n = Number(v.version);
        const cb = el('input', {type: 'checkbox', value: String(n), 'aria-label': t('hist.select', n), on: {change: (ev) => {
          const i = picked.indexOf(n);
          if (ev.target.checked && i < 0) { picked.push(n); if (picked.length > 2) picked.shift(); }
          if (!ev.target.checked && i >= 0) picked.splice(i, 1);
          sync();
        }}});
        const author = text(pick(v, 'author', 'by', 'name')) || '—';
        const when = fmtWhen(pick(v, 'saved', 'created', 'created_at', 'at', 'time', 'ts'));
        const view = el('button', {type: 'button', class: 'link', text: n === newest ? t('hist.latest') : t('hist.view'), on: {click: () => {
          st.version = n === newest ? 0 : n;
          changed();
        }}});
        ul.appendChild(el('li', {data: {version: String(n)}}, cb,
          el('div', null, el('div', null, el('span', {class: 'v', text: 'v' + n}), ' ', el('span', {class: 'm', text: text(v.message) || t('hist.no_message')})),
            el('div', {class: 'sub', text: t('hist.by', author, when)})), view));
      }
      cmp.addEventListener('click', () => {
        const [a, b] = picked.slice().sort((x, y) => x - y);
        drawDiff(diff, key, a, b);
      });
      if (versions.length >= 2 && !picked.length) { picked.push(Number(versions[1].version), Number(versions[0].version)); }
      sync();
      return el('div', {class: 'editor'}, ul, el('div', {class: 'row'}, cmp));
    });
  }, {wide: true});
}

function drawDiff(box, key, from, to) {
  fill(box, async () => {
    const d = await api('GET', '/api/v1/journeys/' + enc(key) + '/diff' + qs({from, to}));
    const diff = d && d.diff && typeof d.diff === 'object' ? d.diff : (d || {});
    let lines = Array.isArray(diff.lines) ? diff.lines : null;
    if (!lines) {
      /* No line diff in the answer: compare the two texts here. */
      const [a, b] = await Promise.all([
        api('GET', '/api/v1/journeys/' + enc(key) + qs({version: from, format: 'yaml'}), undefined, {text: true}),
        api('GET', '/api/v1/journeys/' + enc(key) + qs({version: to, format: 'yaml'}), undefined, {text: true}),
      ]);
      lines = lcsLines(a, b);
    }
    return {changes: listOf(diff.changes || [], 'changes'), lines};
  }, (d) => el('div', {class: 'diff-lanes', id: 'diff'},
    el('h3', {text: t('hist.diff', from, to)}),
    el('h4', {text: t('hist.lanes')}), laneDiff(d.changes),
    el('h4', {text: t('hist.lines')}), lineDiff(d.lines)));
}

const CHANGE_TEXT = {
  stage_added: 'chg.stage_added', stage_removed: 'chg.stage_removed', stage_renamed: 'chg.stage_renamed',
  kpi_changed: 'chg.kpi_changed', entry_changed: 'chg.entry_changed', owner_changed: 'chg.owner_changed',
  note_added: 'chg.note_added', note_removed: 'chg.note_removed', note_changed: 'chg.note_changed',
};

/* The server's structural changes, grouped by stage, lane and language: each lane's lines
 * removed and added; other changes (stages, KPIs, owners, entry rules) in words. */
function laneDiff(changes) {
  if (!changes.length) return el('p', {class: 'empty', text: t('hist.same')});
  const box = el('div', {class: 'diff-lanes'});
  const groups = new Map();
  for (const c of changes) {
    if (!c || typeof c !== 'object') continue;
    const lane = c.lane ? String(c.lane) : '';
    const id = [c.stage || '', lane, lane ? c.lang || '' : ''].join('\u0000');
    if (!groups.has(id)) groups.set(id, {stage: c.stage, lane, lang: c.lang, list: []});
    groups.get(id).list.push(c);
  }
  for (const g of groups.values()) {
    const title = [g.stage ? stageName(String(g.stage)) : '', g.lane ? laneName(g.lane) : '', g.lane && g.lang ? '(' + g.lang + ')' : '']
      .filter(Boolean).join(' · ');
    const ul = el('ul', {class: 'list'});
    for (const c of g.list) {
      const kind = String(c.kind || '');
      if (kind === 'item_removed' || (c.before !== undefined && c.before !== null && c.after === null && g.lane))
        ul.appendChild(el('li', {class: 'del'}, el('span', {class: 'sr', text: t('diff.removed') + ': '}), text(c.before)));
      else if (kind === 'item_added' || (c.after !== undefined && c.after !== null && c.before === null && g.lane))
        ul.appendChild(el('li', {class: 'ins'}, el('span', {class: 'sr', text: t('diff.added') + ': '}), text(c.after)));
      else {
        const words = CHANGE_TEXT[kind] ? t(CHANGE_TEXT[kind]) : kind;
        const detail = [c.what ? String(c.what) : '', c.lang && kind === 'stage_renamed' ? c.lang : '',
          c.before !== null && c.before !== undefined || c.after !== null && c.after !== undefined
            ? (c.before ? text(c.before) : '—') + ' → ' + (c.after ? text(c.after) : '—') : ''].filter(Boolean).join(' · ');
        ul.appendChild(el('li', null, el('b', {text: words}), detail ? ' ' + detail : ''));
      }
    }
    box.appendChild(el('div', {class: 'diff-lane'}, el('h4', {text: title || '—'}), ul));
  }
  return box;
}

/* A line diff (longest common subsequence) of two texts as [{op, text}]. */
function lcsLines(a, b) {
  const x = String(a || '').split('\n'), y = String(b || '').split('\n');
  const n = x.length, m = y.length;
  if (n * m > 4e6) return x.map((l) => ({op: '-', text: l})).concat(y.map((l) => ({op: '+', text: l})));
  const L = Array.from({length: n + 1}, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const ops = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { ops.push({op: ' ', text: x[i]}); i++; j++; }
    else if (j < m && (i >= n || L[i][j + 1] >= L[i + 1][j])) { ops.push({op: '+', text: y[j]}); j++; }
    else { ops.push({op: '-', text: x[i]}); i++; }
  }
  return ops;
}

/* The changed lines with two lines of context, gaps shown as "…". */
function lineDiff(lines) {
  const ops = lines.map((l) => [l.op === '+' || l.op === '-' ? l.op : ' ', String(l.text === undefined ? '' : l.text)]);
  if (!ops.some((o) => o[0] !== ' ')) return el('p', {class: 'empty', text: t('hist.same')});
  const pre = el('pre', {class: 'diff'});
  const changed = ops.map((o) => o[0] !== ' ');
  const near = (k) => { for (let d = -2; d <= 2; d++) if (changed[k + d]) return true; return false; };
  let gap = false;
  ops.forEach((o, k) => {
    if (!near(k)) { if (!gap) pre.appendChild(el('span', {class: 'muted', text: '…'})); gap = true; return; }
    gap = false;
    pre.appendChild(el('span', {class: o[0] === '+' ? 'ins' : o[0] === '-' ? 'del' : '', text: o[0] + ' ' + o[1]}));
  });
  return pre;
}

/* ---------------------------------------------------------------- sign-in */

function showSignin() {
  $('app').hidden = true;
  $('signin').hidden = false;
  closePanel();
  document.documentElement.dataset.view = 'signin';
  $('signin-lang').value = lang;
  $('signin-key').focus();
}

async function showApp(s) {
  session.csrf = typeof s.csrf === 'string' ? s.csrf : '';
  session.role = typeof s.role === 'string' ? s.role : '';
  session.name = typeof s.name === 'string' ? s.name : '';
  document.documentElement.dataset.role = session.role;
  $('signin').hidden = true;
  $('app').hidden = false;
  document.documentElement.dataset.view = 'app';
  syncToolbar();
  loadMap();
  await loadJourneys();
  syncToolbar();
}

function wireSignin() {
  $('signin-lang').addEventListener('change', (e) => setLang(e.target.value));
  $('signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = $('signin-key').value.trim();
    const out = $('signin-error');
    const btn = ev.target.querySelector('button[type=submit]');
    out.hidden = true;
    btn.disabled = true;
    btn.textContent = t('signin.busy');
    try {
      const s = await api('POST', '/api/v1/session', {key}, {signin: true});
      $('signin-key').value = '';
      await showApp(s || {});
    } catch (e) {
      out.textContent = errorText(e);
      out.hidden = false;
    }
    btn.disabled = false;
    btn.textContent = t('signin.submit');
  });
}

async function signOut() {
  try { await api('DELETE', '/api/v1/session'); } catch (e) { /* signed out either way */ }
  session.csrf = session.role = session.name = '';
  frame().removeAttribute('src');
  showSignin();
}

/* ---------------------------------------------------------------- start */

function start() {
  readHash();
  lang = st.lang;
  translatePage();
  wireToolbar();
  wireSignin();
  frame().addEventListener('load', onMapLoad);
  $('panel-close').addEventListener('click', closePanel);
  $('panel-back').addEventListener('click', panelBack);
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closePanel(); });
  writeHash();
  startRefresh();
  api('GET', '/api/v1/session', undefined, {signin: true})
    .then((s) => showApp(s || {}))
    .catch((e) => {
      showSignin();
      if (e.status !== 401) { $('signin-error').textContent = errorText(e); $('signin-error').hidden = false; }
    });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

})();
