// An article with its mentions marked and linked to their entities, and
// the sentence a relation was learned from (?mark=) highlighted.
import { useEffect, useMemo } from 'preact/hooks';
import { html } from '../html.js';
import { get, useLoad } from '../api.js';
import { href } from '../router.js';
import { date, kindColour, kindLabel } from '../format.js';
import { ErrorBox, KindBadge, Loading } from '../components/common.js';

export function DocumentPage({ id, params }) {
  const mark = params.get('mark') ?? '';
  const { data, error, loading } = useLoad(id, (signal) => get(`documents/${encodeURIComponent(id)}`, {}, signal));
  useEffect(() => {
    if (data) document.title = `${data.title} · 创新图谱`;
    if (data && mark) document.querySelector('mark.evidence-mark')?.scrollIntoView({ block: 'center' });
  }, [data, mark]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (loading || !data) return html`<${Loading} what="文档" />`;
  return html`<article class="document" aria-labelledby="doc-title">
    <header>
      <p><${KindBadge} kind="document" /></p>
      <h1 id="doc-title">${data.title}</h1>
      <p class="muted">${[date(data.date), data.source].filter(Boolean).join(' · ')}</p>
    </header>
    <div class="document-layout">
      <${MarkedText} text=${data.text} mentions=${data.mentions} mark=${mark} />
      <${MentionList} mentions=${data.mentions} />
    </div>
  </article>`;
}

/** The text cut at mention and mark edges (offsets count characters). */
function MarkedText({ text, mentions, mark }) {
  const pieces = useMemo(() => cut(text, mentions, mark), [text, mentions, mark]);
  return html`<div class="document-text">
    ${mark && !pieces.some((p) => p.marked) && html`<p class="notice">文中没有找到要标出的句子：「${mark}」</p>`}
    ${pieces.map((p) => {
      let node = p.text;
      if (p.mention) node = mentionNode(p.mention, p.text);
      return p.marked ? html`<mark class="evidence-mark">${node}</mark>` : node;
    })}
  </div>`;
}

function mentionNode(m, text) {
  const style = m.entity_kind ? { borderBottomColor: kindColour(m.entity_kind) } : {};
  if (m.status === 'linked' && m.entity_id) {
    return html`<a class="mention" style=${style} href=${href.entity(m.entity_id)} title=${`${kindLabel(m.entity_kind)}：${m.text}`}>${text}</a>`;
  }
  if (m.status === 'ambiguous') {
    const names = m.candidates.map((c) => c.name).join('、');
    return html`<span class="mention ambiguous" title=${`可能是：${names}`}>${text}</span>`;
  }
  return html`<span class="mention unlinked" title=${m.kind}>${text}</span>`;
}

function cut(text, mentions, mark) {
  const chars = Array.from(text);
  let markStart = -1;
  let markEnd = -1;
  if (mark) {
    const at = text.indexOf(mark);
    if (at >= 0) {
      markStart = Array.from(text.slice(0, at)).length;
      markEnd = markStart + Array.from(mark).length;
    }
  }
  const shown = mentions
    // a place or a date is marked when it names an entity of the graph
    .filter((m) => m.status === 'linked' || (m.kind !== 'date' && m.kind !== 'location'))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const kept = [];
  let reach = 0;
  for (const m of shown) {
    if (m.start >= reach) {
      kept.push(m);
      reach = m.end;
    }
  }
  const edges = new Set([0, chars.length]);
  for (const m of kept) {
    edges.add(m.start);
    edges.add(m.end);
  }
  if (markStart >= 0) {
    edges.add(markStart);
    edges.add(markEnd);
  }
  const sorted = [...edges].filter((e) => e >= 0 && e <= chars.length).sort((a, b) => a - b);
  const pieces = [];
  let k = 0;
  for (let i = 0; i + 1 < sorted.length; i += 1) {
    const [from, to] = [sorted[i], sorted[i + 1]];
    while (k < kept.length && kept[k].end <= from) k += 1;
    const mention = k < kept.length && kept[k].start <= from && kept[k].end >= to ? kept[k] : null;
    pieces.push({ text: chars.slice(from, to).join(''), mention, marked: markStart >= 0 && from >= markStart && to <= markEnd });
  }
  return pieces;
}

function MentionList({ mentions }) {
  const linked = new Map();
  for (const m of mentions) {
    if (m.status !== 'linked' || !m.entity_id) continue;
    const entry = linked.get(m.entity_id) ?? { id: m.entity_id, kind: m.entity_kind, name: m.text, times: 0 };
    entry.times += 1;
    linked.set(m.entity_id, entry);
  }
  const ambiguous = mentions.filter((m) => m.status === 'ambiguous');
  const list = [...linked.values()].sort((a, b) => b.times - a.times);
  return html`<aside class="mention-list card" aria-labelledby="mentioned-title">
    <h2 id="mentioned-title">文中提到的实体</h2>
    ${list.length === 0 && html`<p class="muted">没有识别出图谱中的实体。</p>`}
    <ul>
      ${list.map((e) => html`<li><${KindBadge} kind=${e.kind} /> <a href=${href.entity(e.id)}>${e.name}</a> <span class="muted">×${e.times}</span></li>`)}
    </ul>
    ${ambiguous.length > 0 &&
    html`<h3>有歧义的名称</h3>
      <ul>
        ${ambiguous.map((m) => html`<li>${m.text}：${m.candidates.map((c, i) => html`${i > 0 && '、'}<a href=${href.entity(c.id)} title=${c.id}>${c.name}</a>${m.candidates.filter((o) => o.name === c.name).length > 1 ? html` <code class="small">${c.id}</code>` : ''}`)}</li>`)}
      </ul>`}
  </aside>`;
}
