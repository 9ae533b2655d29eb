// The path finder: two entities, the k best paths between them drawn and
// listed with every edge's evidence; relation filters and a maximum length.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { get, useLoad } from '../api.js';
import { href, navigate } from '../router.js';
import { relationKinds, relationLabel } from '../format.js';
import { EdgeLine, EntityLink, ErrorBox, Loading } from '../components/common.js';
import { SuggestBox } from '../components/suggest.js';
import { GraphView, Legend, loadLibrary } from '../components/graph.js';

const RANKS = [
  { value: 'score', label: '综合（强度与长度）' },
  { value: 'length', label: '最短' },
  { value: 'strength', label: '最强' },
];

/** An entity picker: a suggest box that remembers the picked entity. */
function EntityPicker({ label, value, onChange }) {
  const [text, setText] = useState(value?.name ?? '');
  useEffect(() => setText(value?.name ?? ''), [value?.id]);
  return html`<${SuggestBox}
    label=${label}
    showLabel=${true}
    placeholder="输入名称或拼音"
    value=${text}
    onInput=${(t) => {
      setText(t);
      if (!t) onChange(null);
    }}
    onPick=${(s) => {
      setText(s.name);
      onChange({ id: s.id, name: s.name });
    }}
  />`;
}

export function PathPage({ params }) {
  useEffect(() => {
    loadLibrary();
  }, []);
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const k = params.get('k') ?? '3';
  const maxLen = params.get('max_len') ?? '4';
  const rank = params.get('rank') ?? 'score';
  const relation = params.get('relation') ?? '';
  const chosen = relation ? relation.split(',') : [];
  const [ends, setEnds] = useState({ from: null, to: null });
  const [draft, setDraft] = useState({});
  // the names of ends given by id in the URL: asked only for an end not
  // picked or named already (a link from elsewhere, a reload)
  useEffect(() => {
    const known = [ends.from, ends.to, draft.from, draft.to].filter(Boolean);
    const controller = new AbortController();
    const named = async (id) => {
      if (!id) return null;
      const seen = known.find((end) => end.id === id);
      if (seen) return seen;
      return get(`entities/${encodeURIComponent(id)}`, { limit: 1 }, controller.signal).then((e) => ({ id: e.id, name: e.name }), () => ({ id, name: id }));
    };
    Promise.all([named(from), named(to)]).then(([a, b]) => controller.signal.aborted || setEnds({ from: a, to: b }));
    return () => controller.abort();
  }, [from, to]);
  const go = (changes) => navigate(href.path({ from, to, k, max_len: maxLen, rank, relation, ...changes }));
  const ready = from && to;
  const query = { from, to, k, max_len: maxLen, rank, relation };
  const { data, error, loading } = useLoad(ready ? JSON.stringify(query) : null, (signal) => get('paths', query, signal));
  const pick = (end) => (value) => setDraft((d) => ({ ...d, [end]: value }));
  const current = { from: draft.from === undefined ? ends.from : draft.from, to: draft.to === undefined ? ends.to : draft.to };
  return html`
    <h1>关系路径</h1>
    <form class="path-form card" onSubmit=${(e) => {
      e.preventDefault();
      if (current.from && current.to) go({ from: current.from.id, to: current.to.id });
    }}>
      <div class="ends">
        <${EntityPicker} label="起点" value=${current.from} onChange=${pick('from')} />
        <${EntityPicker} label="终点" value=${current.to} onChange=${pick('to')} />
      </div>
      <div class="options">
        <label for="path-k">条数</label> <select id="path-k" value=${k} onChange=${(e) => go({ k: e.currentTarget.value })}>${[1, 2, 3, 5, 10].map((n) => html`<option value=${n}>${n}</option>`)}</select>
        <label for="path-max">最长</label> <select id="path-max" value=${maxLen} onChange=${(e) => go({ max_len: e.currentTarget.value })}>${[1, 2, 3, 4, 5, 6].map((n) => html`<option value=${n}>${n} 步</option>`)}</select>
        <label for="path-rank">排序</label> <select id="path-rank" value=${rank} onChange=${(e) => go({ rank: e.currentTarget.value })}>${RANKS.map((r) => html`<option value=${r.value}>${r.label}</option>`)}</select>
      </div>
      <fieldset class="relation-filter">
        <legend>只走这些关系（不选则全部）</legend>
        ${relationKinds().filter((r) => r !== 'mentions').map(
          (r) => html`<label class="check"><input type="checkbox" checked=${chosen.includes(r)} onChange=${(e) => {
            const next = e.currentTarget.checked ? [...chosen, r] : chosen.filter((c) => c !== r);
            go({ relation: next.join(',') });
          }} />${relationLabel(r)}</label>`,
        )}
      </fieldset>
      <button type="submit" class="primary" disabled=${!current.from || !current.to}>查找路径</button>
    </form>
    <${ErrorBox} error=${error} />
    ${loading && html`<${Loading} what="路径" />`}
    ${data && !loading && html`<${Paths} data=${data} />`}
  `;
}

function Paths({ data }) {
  if (!data.paths.length) {
    return html`<p class="notice" role="status">在 ${data.from.name} 和 ${data.to.name} 之间没有找到符合条件的路径。可以放宽最长步数或关系筛选。</p>`;
  }
  const nodes = new Map();
  const edges = new Map();
  for (const path of data.paths) {
    for (const n of path.nodes) nodes.set(n.id, { ...n, center: n.id === data.from.id || n.id === data.to.id });
    for (const e of path.edges) edges.set(`${e.from}|${e.kind}|${e.to}`, { ...e, path: true });
  }
  const graph = { nodes: [...nodes.values()], edges: [...edges.values()] };
  const names = Object.fromEntries([...nodes.values()].map((n) => [n.id, n]));
  return html`<section class="card" aria-labelledby="paths-title">
    <h2 id="paths-title" role="status">找到 ${data.paths.length} 条路径：<${EntityLink} entity=${data.from} /> → <${EntityLink} entity=${data.to} /></h2>
    ${data.truncated && html`<p class="notice">搜索预算已用完，可能还有更多路径。</p>`}
    <${GraphView} graph=${graph} layout="breadthfirst" roots=${[data.from.id]} label=${`${data.from.name}到${data.to.name}的路径图`} height=${360} />
    <${Legend} kinds=${graph.nodes.map((n) => n.kind)} />
    <ol class="paths">
      ${data.paths.map((path, i) => html`<li class="path">
        <h3>路径 ${i + 1}：${path.length} 步 <span class="muted">强度 ${path.strength.toFixed(2)}</span></h3>
        <p class="chain">${path.nodes.map((n, j) => html`${j > 0 && html`<span class="arrow"> — ${relationLabel(path.edges[j - 1].kind)} — </span>`}<a href=${href.entity(n.id)}>${n.name}</a>`)}</p>
        ${path.edges.map((e) => html`<${EdgeLine} edge=${e} names=${names} />`)}
      </li>`)}
    </ol>
  </section>`;
}
