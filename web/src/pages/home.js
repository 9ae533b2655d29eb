// The zone at a glance: counts by kind, the largest industries, the most
// central enterprises, universities and platforms, the latest dated
// relations, and a search box.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { get, useLoad } from '../api.js';
import { href, navigate } from '../router.js';
import { count, date, kindColour, kindLabel, relationLabel, amount } from '../format.js';
import { EntityLink, ErrorBox, Evidence, Loading } from '../components/common.js';
import { SuggestBox } from '../components/suggest.js';

const CENTRAL = ['enterprise', 'university', 'platform'];

function load(signal) {
  return Promise.all([
    get('stats', {}, signal),
    get('graph/centrality', { kind: 'industry', measure: 'degree', limit: 10 }, signal),
    ...CENTRAL.map((kind) => get('graph/centrality', { kind, limit: 6 }, signal)),
    get('graph/recent', { limit: 12 }, signal),
  ]);
}

export function HomePage() {
  const [text, setText] = useState('');
  const { data, error, loading } = useLoad('home', load);
  return html`
    <section class="hero">
      <h1>创新图谱</h1>
      <p class="lead">园区里的企业、高校、科研院所、孵化器、人员、专利与政策，以及它们之间有出处的关系。</p>
      <form role="search" class="hero-search" onSubmit=${(e) => e.preventDefault()}>
        <${SuggestBox}
          label="搜索"
          placeholder="输入企业名、技术词或拼音，如 高测 / gaoce / 干细胞"
          value=${text}
          onInput=${setText}
          autofocus=${true}
          onPick=${(s) => navigate(href.entity(s.id))}
          onSubmit=${(q) => q.trim() && navigate(href.search({ q: q.trim() }))}
        />
        <button type="button" class="primary" onClick=${() => text.trim() && navigate(href.search({ q: text.trim() }))}>搜索</button>
      </form>
    </section>
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} what="园区概况" />`}
    ${data && html`<${Overview} data=${data} />`}
  `;
}

function Overview({ data }) {
  const [stats, industries, ...rest] = data;
  const central = rest.slice(0, CENTRAL.length);
  const recent = rest[CENTRAL.length];
  const kinds = Object.entries(stats.graph.entity_kinds).sort((a, b) => b[1] - a[1]);
  const maxIndustry = Math.max(1, ...industries.results.map((r) => r.degree));
  return html`
    <section aria-labelledby="counts-title">
      <h2 id="counts-title">园区概况</h2>
      <p class="muted">${count(stats.entities)} 个实体 · ${count(stats.relations)} 条关系 · ${count(stats.documents)} 篇文档</p>
      <ul class="tiles">
        ${kinds.map(
          ([kind, n]) => html`<li class="tile" style=${{ borderTopColor: kindColour(kind) }}>
            <span class="tile-count">${count(n)}</span><span class="tile-label">${kindLabel(kind)}</span>
          </li>`,
        )}
      </ul>
    </section>
    <div class="columns">
      <section aria-labelledby="industries-title" class="card">
        <h2 id="industries-title">主要产业</h2>
        <ol class="bars">
          ${industries.results.map(
            (r) => html`<li>
              <a href=${href.entity(r.id)}>${r.name}</a>
              <span class="bar-track" aria-hidden="true"><span class="bar" style=${{ width: `${(r.degree / maxIndustry) * 100}%` }}></span></span>
              <span class="muted">${count(r.degree)}</span>
            </li>`,
          )}
        </ol>
      </section>
      ${central.map(
        (ranked, i) => html`<section class="card" aria-labelledby=${`central-${i}`}>
          <h2 id=${`central-${i}`}>最核心的${kindLabel(CENTRAL[i])}</h2>
          ${ranked.results.length === 0 && html`<p class="muted">暂无</p>`}
          <ol class="ranked">
            ${ranked.results.map(
              (r) => html`<li><a href=${href.entity(r.id)}>${r.name}</a> <span class="muted">${count(r.degree)} 条关系</span></li>`,
            )}
          </ol>
        </section>`,
      )}
    </div>
    <section aria-labelledby="recent-title" class="card">
      <h2 id="recent-title">最新动态</h2>
      ${recent.results.length === 0 && html`<p class="muted">还没有带日期的关系。</p>`}
      <ol class="timeline">
        ${recent.results.map(
          (e) => html`<li>
            <time>${date(e.date)}</time>
            <div>
              <${EntityLink} entity=${e.from} badge=${false} />
              <span class="arrow"> ${relationLabel(e.kind)} </span>
              <${EntityLink} entity=${e.to} badge=${false} />
              ${e.amount !== null && e.amount !== undefined && html` <span class="facts">${amount(e.amount, e.unit)}</span>`}
              <${Evidence} evidence=${e.evidence?.slice(0, 1)} />
            </div>
          </li>`,
        )}
      </ol>
    </section>
  `;
}
