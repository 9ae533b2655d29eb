// Small pieces every page uses: kind badges, entity links, evidence
// quotes, snippets, paging, loading and error notices.
import { html } from '../html.js';
import { href } from '../router.js';
import { kindColour, kindLabel, relationLabel, amount, date } from '../format.js';

/** A kind's Chinese name on its colour. */
export function KindBadge({ kind }) {
  return html`<span class="badge" style=${{ background: kindColour(kind) }}>${kindLabel(kind)}</span>`;
}

/** A link to an entity's page, by name, with its kind badge. */
export function EntityLink({ entity, badge = true }) {
  return html`<span class="entity-link">
    ${badge && html`<${KindBadge} kind=${entity.kind} />`}
    <a href=${href.entity(entity.id)}>${entity.name || entity.id}</a>
  </span>`;
}

/** A sentence a relation was learned from, linking to the document with it marked. */
export function Evidence({ evidence }) {
  if (!evidence?.length) return null;
  return html`<ul class="evidence">
    ${evidence.map(
      (e) => html`<li>
        <q>${e.quote}</q>
        ${e.doc && html` <a class="source" href=${href.document(e.doc, { mark: e.quote })}>出处</a>`}
      </li>`,
    )}
  </ul>`;
}

/** Since / amount facts of a relation, as a short line. */
export function RelationFacts({ relation }) {
  const parts = [];
  if (relation.since) parts.push(date(relation.since));
  if (relation.amount !== null && relation.amount !== undefined) parts.push(amount(relation.amount, relation.unit));
  if (!parts.length) return null;
  return html`<span class="facts">${parts.join(' · ')}</span>`;
}

/** An edge of a path: `A —kind→ B` with facts and evidence. */
export function EdgeLine({ edge, names }) {
  const from = names[edge.from] ?? { id: edge.from, name: edge.from };
  const to = names[edge.to] ?? { id: edge.to, name: edge.to };
  return html`<div class="edge-line">
    <div>
      <a href=${href.entity(from.id)}>${from.name}</a>
      <span class="arrow"> —${relationLabel(edge.kind)}→ </span>
      <a href=${href.entity(to.id)}>${to.name}</a>
      ${' '}<${RelationFacts} relation=${edge} />
    </div>
    <${Evidence} evidence=${edge.evidence} />
  </div>`;
}

/** A search snippet: HTML-escaped by the server, matches in <em>. */
export function Snippet({ html: text }) {
  if (!text) return null;
  return html`<p class="snippet" dangerouslySetInnerHTML=${{ __html: text }}></p>`;
}

export function Loading({ what = '' }) {
  return html`<p class="loading" role="status">正在加载${what}…</p>`;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert"><strong>出错了：</strong>${error.message}</div>`;
}

/** Previous / next and page numbers over offset + limit. */
export function Pager({ total, offset, limit, onPage }) {
  if (total <= limit) return null;
  const pages = Math.ceil(total / limit);
  const current = Math.floor(offset / limit);
  const shown = [];
  for (let p = Math.max(0, current - 3); p < Math.min(pages, current + 4); p += 1) shown.push(p);
  return html`<nav class="pager" aria-label="分页">
    <button type="button" disabled=${current === 0} onClick=${() => onPage((current - 1) * limit)}>上一页</button>
    ${shown.map(
      (p) => html`<button type="button" aria-current=${p === current ? 'page' : undefined} class=${p === current ? 'current' : ''}
        onClick=${() => onPage(p * limit)}>${p + 1}</button>`,
    )}
    <button type="button" disabled=${current >= pages - 1} onClick=${() => onPage((current + 1) * limit)}>下一页</button>
    <span class="muted">共 ${pages} 页</span>
  </nav>`;
}
