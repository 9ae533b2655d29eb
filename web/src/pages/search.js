// Full-text search: suggestions while typing, facets (kind, industry,
// location, year), highlighted snippets, key facts of entity hits, paging,
// and the notice when not every word was found. The URL holds it all.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { get, useLoad } from '../api.js';
import { href, navigate } from '../router.js';
import { count, date, kindLabel } from '../format.js';
import { ErrorBox, KindBadge, Loading, Pager, Snippet } from '../components/common.js';
import { SuggestBox } from '../components/suggest.js';

const PAGE = 10;
const FACETS = [
  { key: 'kind', label: '类型', name: kindLabel },
  { key: 'industry', label: '产业', name: (v) => v },
  { key: 'location', label: '地点', name: (v) => v },
  { key: 'year', label: '年份', name: (v) => `${v}年` },
];

/** The search parameters the URL holds. */
function readParams(params) {
  const state = { q: params.get('q') ?? '', offset: Number(params.get('offset') ?? 0) || 0 };
  for (const { key } of FACETS) state[key] = params.get(key) ?? '';
  return state;
}

export function SearchPage({ params }) {
  const state = readParams(params);
  const [text, setText] = useState(state.q);
  useEffect(() => setText(state.q), [state.q]);
  const go = (changes) => navigate(href.search({ ...state, offset: 0, ...changes }));
  const key = state.q.trim() ? JSON.stringify(state) : null;
  const { data, error, loading } = useLoad(key, (signal) =>
    get(
      'search',
      {
        q: state.q,
        kind: state.kind,
        industry: state.industry,
        location: state.location,
        from: state.year,
        to: state.year,
        offset: state.offset,
        limit: PAGE,
      },
      signal,
    ),
  );
  return html`
    <h1 class="visually-hidden">搜索</h1>
    <form role="search" class="search-bar" onSubmit=${(e) => {
      e.preventDefault();
      go({ q: text.trim() });
    }}>
      <${SuggestBox}
        label="搜索词"
        placeholder="企业、技术、人名、政策…（支持拼音和首字母）"
        value=${text}
        onInput=${setText}
        autofocus=${!state.q}
        onPick=${(s) => navigate(href.entity(s.id))}
        onSubmit=${(q) => go({ q: q.trim() })}
      />
      <button type="submit" class="primary">搜索</button>
    </form>
    ${!state.q.trim() && html`<p class="muted">输入关键词开始搜索。可以用空格分隔多个词，用 -词 排除一个词。</p>`}
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} what="结果" />`}
    ${data && key && html`<${Results} data=${data} state=${state} go=${go} loading=${loading} />`}
  `;
}

function Results({ data, state, go, loading }) {
  const filters = FACETS.filter(({ key }) => state[key]);
  return html`<div class=${`search-layout ${loading ? 'stale' : ''}`} aria-busy=${loading ? 'true' : 'false'}>
    <aside class="facets" aria-label="筛选">
      ${filters.length > 0 &&
      html`<div class="chosen">
        <h2>已选条件</h2>
        ${filters.map(
          (f) => html`<button type="button" class="chip" onClick=${() => go({ [f.key]: '' })} aria-label=${`取消${f.label}：${f.name(state[f.key])}`}>
            ${f.label}：${f.name(state[f.key])} ✕
          </button>`,
        )}
      </div>`}
      ${FACETS.map(({ key, label, name }) => {
        const values = Object.entries(data.facets[key] ?? {}).sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
        if (!values.length || state[key]) return null;
        return html`<fieldset class="facet">
          <legend>${label}</legend>
          <ul>
            ${values.slice(0, 12).map(
              ([value, n]) => html`<li>
                <button type="button" class="facet-value" onClick=${() => go({ [key]: value })}>
                  <span>${name(value)}</span><span class="muted">${count(n)}</span>
                </button>
              </li>`,
            )}
          </ul>
        </fieldset>`;
      })}
    </aside>
    <section class="results" aria-labelledby="results-title">
      <h2 id="results-title" class="results-count" role="status">
        找到 ${count(data.total)} 条与「${data.query}」相关的结果
      </h2>
      ${data.fallback && html`<p class="notice" role="note">
        ${data.fallback === 'any_term'
          ? '没有同时包含所有词的结果，下面是包含其中部分词的结果。'
          : '没有包含全部词的结果，下面是包含大部分词的结果。'}
        ${data.reading?.dropped?.length ? html` 未使用的词：${data.reading.dropped.join('、')}` : ''}
      </p>`}
      ${Object.keys(data.resolved_from ?? {}).length > 0 && html`<p class="muted">按实体理解：${Object.entries(data.resolved_from).map(([k, v]) => `${k} → ${v}`).join('，')}</p>`}
      <ol class="hits" start=${state.offset + 1}>
        ${data.hits.map((hit) => html`<${Hit} hit=${hit} />`)}
      </ol>
      ${data.total === 0 && html`<p>没有找到结果。换个说法，或去掉一些筛选条件试试。</p>`}
      <${Pager} total=${data.total} offset=${state.offset} limit=${PAGE} onPage=${(offset) => navigate(href.search({ ...state, offset }))} />
    </section>
  </div>`;
}

function Hit({ hit }) {
  const isDocument = hit.kind === 'document';
  const link = isDocument ? href.document(hit.id) : href.entity(hit.id);
  const facts = [];
  if (hit.industry?.length) facts.push(hit.industry.join('、'));
  if (hit.location) facts.push(hit.location);
  if (hit.relation_count !== null && hit.relation_count !== undefined) facts.push(`${count(hit.relation_count)} 条关系`);
  if (hit.date) facts.push(date(hit.date));
  return html`<li class="hit">
    <div class="hit-title">
      <${KindBadge} kind=${hit.kind} />
      <a href=${link}>${isDocument ? hit.title : hit.name}</a>
    </div>
    ${facts.length > 0 && html`<div class="hit-facts muted">${facts.join(' · ')}</div>`}
    <${Snippet} html=${hit.snippet} />
  </li>`;
}
