// One entity: its profile and key facts, its relations grouped by kind with
// their evidence, its neighbourhood drawn (expand on click, filters, an
// as_of slider, hubs summarised), and its timeline and equity when it has
// them. The URL holds the graph's filters and date.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { get, useLoad } from '../api.js';
import { href, navigate } from '../router.js';
import { amount, count, date, entityKinds, kindLabel, percent, relationKinds, relationLabel } from '../format.js';
import { EntityLink, ErrorBox, Evidence, KindBadge, Loading, RelationFacts } from '../components/common.js';
import { GraphView, Legend, loadLibrary } from '../components/graph.js';

/** Neighbours drawn at first, and added by each "show more". */
const DRAWN = 30;
/** Neighbours an expanded node adds at most. */
const EXPAND = 16;
/** Neighbours an expanded node adds at most through each relation kind,
 * so that a hub shows its partners, patents and people, not only the
 * relation kind it has most of. */
const EXPAND_PER_KIND = 4;
/** Relations listed per kind at first. */
const PER_KIND = 5;

export function EntityPage({ id, params }) {
  // the drawing library loads while the entity does
  useEffect(() => {
    loadLibrary();
  }, []);
  const { data, error, loading } = useLoad(id, (signal) => get(`entities/${encodeURIComponent(id)}`, { per_kind: PER_KIND, limit: 5000 }, signal));
  // how many dated relations, and from when to when: the date slider's
  // range and the timeline's length, asked once
  const { data: dated } = useLoad(`dated:${id}`, (signal) => get('graph/timeline', { id, limit: 0 }, signal));
  useEffect(() => {
    if (data) document.title = `${data.name} · 创新图谱`;
  }, [data]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (loading || !data) return html`<${Loading} what="实体" />`;
  return html`
    <${Profile} entity=${data} />
    <${NeighbourhoodPanel} entity=${data} params=${params} dated=${dated} />
    <${RelationsPanel} entity=${data} first=${data.relations} />
    ${dated?.total > 0 && html`<${TimelinePanel} key=${data.id} id=${data.id} total=${dated.total} />`}
    <${EquityPanel} id=${data.id} />
  `;
}

function Profile({ entity }) {
  const all = entity.props ?? {};
  const shown = Object.entries(all).filter(([k, v]) => v !== null && !HIDDEN_PROPS.has(k) && !k.endsWith('_inferred') && (typeof v !== 'object' || Array.isArray(v)));
  const props = shown.filter(([k]) => PROP_LABELS[k]);
  const other = shown.filter(([k]) => !PROP_LABELS[k]);
  return html`<section class="profile" aria-labelledby="entity-name">
    <div class="profile-head">
      <${KindBadge} kind=${entity.kind} />
      <h1 id="entity-name">${entity.name}</h1>
    </div>
    <p class="muted">ID：<code>${entity.id}</code> · ${count(entity.relation_total)} 条关系</p>
    ${entity.description && html`<p class="description">${entity.description}</p>`}
    <dl class="facts-list">
      ${entity.aliases?.length > 0 && html`<dt>别名</dt><dd>${entity.aliases.join('、')}</dd>`}
      ${entity.industry?.length > 0 &&
      html`<dt>产业</dt><dd>${entity.industry.map((i, n) => html`${n > 0 && '、'}<a href=${href.search({ q: i, industry: i })}>${i}</a>`)}</dd>`}
      ${entity.location && html`<dt>地点</dt><dd>${entity.location}</dd>`}
      ${props.map(([k, v]) => html`<dt>${PROP_LABELS[k]}</dt><dd>${propValue(k, v, all)}</dd>`)}
    </dl>
    ${other.length > 0 &&
    html`<details class="other-props">
      <summary>更多属性（${other.length}）</summary>
      <dl class="facts-list">${other.map(([k, v]) => html`<dt><code>${k}</code></dt><dd>${propValue(k, v, all)}</dd>`)}</dl>
    </details>`}
    <p class="actions">
      <a class="button" href=${href.match({ entity: entity.id })}>为它匹配合作方</a>
      <a class="button" href=${href.path({ from: entity.id })}>查找关系路径</a>
    </p>
  </section>`;
}

/** Chinese names of the props imports and the corpus use most. */
const PROP_LABELS = {
  credit_code: '统一社会信用代码',
  founded: '成立日期',
  registered_capital: '注册资本',
  company_type: '企业类型',
  status: '登记状态',
  listing: '上市',
  core_technology: '核心技术',
  technology: '技术',
  application_number: '申请号',
  filed: '申请日',
  published: '公开日',
  ipc: 'IPC 分类',
  legal_status: '法律状态',
  title: '职称/职务',
  role: '角色',
  affiliation: '单位',
  type: '类型',
  level: '级别',
  date: '日期',
  source: '来源',
  brand: '品牌',
  indication: '适应症',
  clinical_stage: '临床阶段',
  pipeline_stage: '研发阶段',
  markets: '市场',
  export_markets: '出口市场',
  organizer: '主办方',
  period: '时间',
  goal: '目标',
  mission: '使命',
  leader: '负责人',
  achievement: '成果',
  significance: '意义',
  incubator_level: '孵化器级别',
  chain_leader_level: '链主级别',
  founding_form: '创办方式',
  patents_received: '受让专利数',
};
/** Flags kept for the machine, not shown. */
const HIDDEN_PROPS = new Set(['synthetic', 'auto', 'registered_capital_unit']);

function propValue(key, value, props) {
  if (value === true) return '是';
  if (value === false) return '否';
  if (Array.isArray(value)) return value.join('、');
  if (key === 'registered_capital' && typeof value === 'number') return amount(value, props.registered_capital_unit ?? '万元');
  if (/^\d{4}(-\d{2}){0,2}$/.test(String(value))) return date(String(value));
  return String(value);
}

/** Merges a neighbours answer into a drawing. */
function merge(graph, answer, expandedId) {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const edges = new Map(graph.edges.map((e) => [`${e.from}|${e.kind}|${e.to}`, e]));
  const center = answer.center;
  if (!nodes.has(center.id)) nodes.set(center.id, { ...center });
  for (const n of answer.nodes) if (!nodes.has(n.id)) nodes.set(n.id, { id: n.id, kind: n.kind, name: n.name });
  for (const e of answer.edges) edges.set(`${e.from}|${e.kind}|${e.to}`, e);
  if (expandedId && nodes.has(expandedId)) nodes.set(expandedId, { ...nodes.get(expandedId), expanded: true });
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

function NeighbourhoodPanel({ entity, params, dated }) {
  const relation = params.get('relation') ?? '';
  const kind = params.get('kind') ?? '';
  const asOf = params.get('as_of') ?? '';
  const [limit, setLimit] = useState(DRAWN);
  const set = (changes) => navigate(href.entity(entity.id, { relation, kind, as_of: asOf, ...changes }), { replace: true });
  const query = { depth: 1, limit, relation, kind, as_of: asOf };
  const key = JSON.stringify([entity.id, query]);
  const { data, error, loading } = useLoad(key, (signal) => loadNeighbourhood(entity, query, signal));
  const [graph, setGraph] = useState({ nodes: [], edges: [] });
  const [selected, setSelected] = useState(null);
  const [expanding, setExpanding] = useState(null);
  const [expandError, setExpandError] = useState(null);
  const [expandNote, setExpandNote] = useState(null);
  useEffect(() => {
    if (data) setGraph(merge({ nodes: [{ ...data.center, center: true }], edges: [] }, data, null));
    setExpandNote(null);
  }, [data]);

  const expand = async (id) => {
    if (id === entity.id || graph.nodes.find((n) => n.id === id)?.expanded) return;
    setExpanding(id);
    setExpandError(null);
    try {
      // filtered to one relation kind, the whole limit goes to that kind
      const perKind = relation ? undefined : EXPAND_PER_KIND;
      const answer = await get(`entities/${encodeURIComponent(id)}/neighbors`, { depth: 1, limit: EXPAND, relation, kind, as_of: asOf, per_kind: perKind });
      setGraph((g) => merge(g, answer, id));
      setExpandNote(expansionNote(answer, perKind));
    } catch (error) {
      setExpandError(error);
    } finally {
      setExpanding(null);
    }
  };

  const years = useMemo(() => yearRange(dated), [dated]);
  const omitted = Object.entries(data?.omitted ?? {});
  const node = selected && graph.nodes.find((n) => n.id === selected);
  return html`<section class="card" aria-labelledby="graph-title">
    <h2 id="graph-title">关系图</h2>
    <div class="graph-controls">
      <label for="graph-relation">关系</label>
        <select id="graph-relation" value=${relation} onChange=${(e) => set({ relation: e.currentTarget.value })}>
          <option value="">全部关系</option>
          ${relationKinds().filter((k) => entity.relations_by_kind[k]).map((k) => html`<option value=${k}>${relationLabel(k)}（${count(entity.relations_by_kind[k])}）</option>`)}
        </select>
      <label for="graph-kind">实体类型</label>
        <select id="graph-kind" value=${kind} onChange=${(e) => set({ kind: e.currentTarget.value })}>
          <option value="">全部类型</option>
          ${entityKinds().filter((k) => k !== 'document').map((k) => html`<option value=${k}>${kindLabel(k)}</option>`)}
        </select>
      ${years && html`<${AsOfSlider} years=${years} value=${asOf} onChange=${(v) => set({ as_of: v })} />`}
    </div>
    <${ErrorBox} error=${error || expandError} />
    ${data &&
    html`<div class="graph-area">
      <${GraphView}
        graph=${graph}
        label=${`${entity.name}的关系图：${graph.nodes.length} 个实体`}
        onSelect=${setSelected}
        onExpand=${expand}
      />
      <div class="graph-side">
        <p class="graph-summary" role="status">
          图中 ${graph.nodes.length} 个实体、${graph.edges.length} 条关系${asOf ? `（截至 ${date(asOf)}）` : ''}
          ${loading || expanding ? '，加载中…' : ''}
        </p>
        ${(omitted.length > 0 || data.cutByKind?.length > 0) &&
        html`<div class="omitted">
          ${omitted.length > 0 && html`<p>还有未画出的邻居：${omitted.map(([k, n]) => `${kindLabel(k)} ${count(n)}`).join('，')}</p>`}
          ${data.cutByKind?.length > 0 && html`<p>每种关系最多画出几个，未画出的邻居：${data.cutByKind.map(([k, n]) => `${relationLabel(k)} ${count(n)}`).join('，')}（可在上方按关系筛选）</p>`}
          <button type="button" onClick=${() => setLimit((l) => Math.min(l + DRAWN, 300))} disabled=${limit >= 300}>显示更多</button>
        </div>`}
        ${expandNote && html`<p class="expand-note" aria-live="polite">${expandNote}</p>`}
        <${Legend} kinds=${graph.nodes.map((n) => n.kind)} />
        <label class="expand-pick">展开一个实体的邻居
          <select onChange=${(e) => {
            const v = e.currentTarget.value;
            if (v) {
              setSelected(v);
              expand(v);
            }
          }}>
            <option value="">选择实体…</option>
            ${graph.nodes.filter((n) => !n.center && !n.expanded).map((n) => html`<option value=${n.id}>${n.name}（${kindLabel(n.kind)}）</option>`)}
          </select>
        </label>
        <p class="muted small">点击图中的实体选中它，再点一次（或双击）展开它的邻居。</p>
        ${node &&
        html`<div class="selected-node">
          <${KindBadge} kind=${node.kind} /> <strong>${node.name}</strong>
          <p>
            <a href=${href.entity(node.id)}>打开实体页</a>
            ${!node.center && !node.expanded && html` · <button type="button" class="link" onClick=${() => expand(node.id)}>展开邻居</button>`}
          </p>
        </div>`}
      </div>
    </div>`}
  </section>`;
}

/**
 * What an expansion left out, in a line: the share of each relation kind
 * it drew and the kinds it cut; null when it drew every neighbour.
 */
function expansionNote(answer, perKind) {
  const cut = cutByKind(answer);
  const head = `展开「${answer.center.name}」：`;
  const tail = '打开它的实体页可看全部关系。';
  if (perKind && cut.length > 0) {
    const left = cut.map(([k, n]) => `${relationLabel(k)} ${count(n)}`).join('，');
    return `${head}显示了每种关系最多 ${perKind} 个，未显示：${left}${answer.truncated ? `（共最多 ${EXPAND} 个）` : ''}。${tail}`;
  }
  if (answer.truncated) return `${head}只显示了前 ${answer.nodes.length} 个邻居。${tail}`;
  return null;
}

/** Relation kinds a hub's drawing shares its limit among, at most. */
const SHARED_KINDS = 6;

/**
 * The neighbours to draw. A hub gets a few through each of its relation
 * kinds (one request with `per_kind`) rather than the first ones found, so
 * that its drawing shows what it is linked to and how; what each kind left
 * out is counted (`cutByKind`, the most first).
 */
async function loadNeighbourhood(entity, query, signal) {
  const path = `entities/${encodeURIComponent(entity.id)}/neighbors`;
  const kinds = Object.keys(entity.relations_by_kind).length;
  if (query.relation || entity.relation_total <= query.limit || kinds < 2) return get(path, query, signal);
  const each = Math.max(3, Math.floor(query.limit / Math.min(kinds, SHARED_KINDS)));
  const answer = await get(path, { ...query, per_kind: each }, signal);
  return { ...answer, cutByKind: cutByKind(answer) };
}

/** What `per_kind` left out of a neighbourhood, by relation kind, the most first. */
function cutByKind(answer) {
  return Object.entries(answer.per_kind_omitted ?? {}).sort((a, b) => b[1] - a[1]);
}

/** The years of an entity's dated relations (a timeline summary), for the
 * as_of slider; null when there is no range to slide over. */
function yearRange(dated) {
  if (!dated?.first) return null;
  const first = Number(dated.first.slice(0, 4));
  const last = Math.max(Number(dated.last.slice(0, 4)), new Date().getFullYear());
  return first < last ? { first, last } : null;
}

function AsOfSlider({ years, value, onChange }) {
  const current = value ? Number(value.slice(0, 4)) : years.last;
  const [shown, setShown] = useState(current);
  useEffect(() => setShown(current), [current]);
  return html`<label class="as-of">截至
    <input type="range" min=${years.first} max=${years.last} step="1" value=${shown}
      aria-valuetext=${`${shown}年`}
      onInput=${(e) => setShown(Number(e.currentTarget.value))}
      onChange=${(e) => {
        const y = Number(e.currentTarget.value);
        onChange(y >= years.last ? '' : `${y}-12-31`);
      }} />
    <output>${shown >= years.last && !value ? '全部' : `${shown}年`}</output>
  </label>`;
}

function RelationsPanel({ entity, first }) {
  const [lists, setLists] = useState(() => group(first));
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const kinds = Object.entries(entity.relations_by_kind).sort((a, b) => b[1] - a[1]);
  const more = async (kind) => {
    setBusy(kind);
    setError(null);
    try {
      const shown = lists[kind]?.length ?? 0;
      const page = await get(`entities/${encodeURIComponent(entity.id)}`, { relation: kind, limit: Math.max(shown, PER_KIND) + 20 });
      setLists((l) => ({ ...l, [kind]: page.relations }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return html`<section class="card" aria-labelledby="relations-title">
    <h2 id="relations-title">关系与出处</h2>
    <${ErrorBox} error=${error} />
    <nav class="kind-index" aria-label="按关系类型跳转">
      ${kinds.map(([k, n]) => html`<a href=${`#rel-${k}`}>${relationLabel(k)} ${count(n)}</a>`)}
    </nav>
    ${kinds.map(([kind, total]) => {
      const list = lists[kind] ?? [];
      return html`<section class="relation-group" id=${`rel-${kind}`} aria-label=${relationLabel(kind)}>
        <h3>${relationLabel(kind)} <span class="muted">${count(total)}</span></h3>
        <ul class="relations">
          ${list.map((r) => html`<li>
            <span class="direction" title=${r.direction === 'out' ? '由本实体发出' : '指向本实体'}>${r.direction === 'out' ? '→' : '←'}</span>
            <${EntityLink} entity=${r.other} />
            ${' '}<${RelationFacts} relation=${r} />
            <${Evidence} evidence=${r.evidence} />
          </li>`)}
        </ul>
        ${list.length < total &&
        html`<button type="button" onClick=${() => more(kind)} disabled=${busy === kind}>
          ${busy === kind ? '加载中…' : `显示更多（已显示 ${list.length} / ${count(total)}）`}
        </button>`}
      </section>`;
    })}
  </section>`;
}

function group(relations) {
  const lists = {};
  for (const r of relations) (lists[r.kind] ??= []).push(r);
  return lists;
}

/** Events a timeline shows at first, and adds with each "earlier". */
const TIMELINE_PAGE = 20;

function TimelinePanel({ id, total }) {
  // the events loaded, newest first, and how many are wanted; the API
  // lists oldest first, so each "earlier" asks only for the events before
  // those loaded
  const [events, setEvents] = useState([]);
  const [undated, setUndated] = useState(0);
  const [wanted, setWanted] = useState(TIMELINE_PAGE);
  const end = total - events.length;
  const offset = Math.max(0, total - wanted);
  const { data, loading } = useLoad(offset < end ? `timeline:${id}:${offset}` : null, (signal) => get('graph/timeline', { id, offset, limit: end - offset }, signal));
  useEffect(() => {
    if (!data) return;
    setEvents((before) => [...before, ...[...data.results].reverse()]);
    setUndated(data.undated);
  }, [data]);
  if (events.length === 0) return null;
  return html`<section class="card" aria-labelledby="timeline-title">
    <h2 id="timeline-title">时间线 <span class="muted">${count(total)} 条带日期的关系，最新的在前</span></h2>
    <ol class="timeline">
      ${events.map((e) => html`<li>
        <time>${date(e.date)}</time>
        <div>
          <span class="arrow">${relationLabel(e.kind)}${e.direction === 'out' ? ' → ' : ' ← '}</span>
          <${EntityLink} entity=${e.other} />
          ${e.amount !== null && e.amount !== undefined && html` <span class="facts">${amount(e.amount, e.unit)}</span>`}
          <${Evidence} evidence=${e.evidence.slice(0, 1)} />
        </div>
      </li>`)}
    </ol>
    ${events.length < total && html`<button type="button" disabled=${loading} onClick=${() => setWanted(events.length + TIMELINE_PAGE * 2)}>显示更早的（已显示 ${events.length} / ${count(total)}）</button>`}
    ${undated > 0 && html`<p class="muted">另有 ${count(undated)} 条关系没有日期。</p>`}
  </section>`;
}

/** Rows an equity table shows before "show all". */
const EQUITY_ROWS = 15;

function EquityPanel({ id }) {
  const [expanded, setExpanded] = useState(false);
  const { data } = useLoad(`equity:${id}`, (signal) => get('graph/equity', { id, depth: 3 }, signal));
  if (!data?.results?.length) return null;
  const names = Object.fromEntries(data.results.map((r) => [r.id, r.name]));
  const table = (all, title) => {
    const rows = expanded ? all : all.slice(0, EQUITY_ROWS);
    return all.length > 0 &&
    html`<table class="equity">
      <caption>${title}</caption>
      <thead><tr><th scope="col">实体</th><th scope="col">层级</th><th scope="col">穿透持股</th><th scope="col">持股链</th></tr></thead>
      <tbody>
        ${rows.map((r) => html`<tr>
          <td><${EntityLink} entity=${r} /></td>
          <td>${r.depth}</td>
          <td>${r.share !== null && r.share !== undefined ? percent(r.share) : '未知'}</td>
          <td class="small">${r.chain.map((c) => names[c] ?? (c === id ? data.entity.name : c)).join(' → ')}</td>
        </tr>`)}
      </tbody>
    </table>`;
  };
  const holders = data.results.filter((r) => r.direction === 'holder');
  const holdings = data.results.filter((r) => r.direction === 'holding');
  const hidden = expanded ? 0 : Math.max(0, holders.length - EQUITY_ROWS) + Math.max(0, holdings.length - EQUITY_ROWS);
  return html`<section class="card" aria-labelledby="equity-title">
    <h2 id="equity-title">股权结构</h2>
    ${data.truncated && html`<p class="notice">股权链太多，只列出了一部分。</p>`}
    ${table(holders, '股东（向上穿透）')}
    ${table(holdings, '对外持股（向下穿透）')}
    ${hidden > 0 && html`<button type="button" onClick=${() => setExpanded(true)}>显示全部（还有 ${count(hidden)} 行）</button>`}
  </section>`;
}
