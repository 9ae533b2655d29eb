// University–enterprise matching: pick an entity or paste a need; ranked
// teams, organisations and patents, each with its explanation card.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { get, post, useLoad } from '../api.js';
import { href, navigate } from '../router.js';
import { kindLabel, percent, relationLabel } from '../format.js';
import { EdgeLine, EntityLink, ErrorBox, KindBadge, Loading, Pager, Snippet } from '../components/common.js';
import { SuggestBox } from '../components/suggest.js';

const PAGE = 10;
const SIGNALS = { text: '文本相关', industry: '产业相同', proximity: '图上邻近', referral: '伙伴推荐', locality: '同一地区', ties: '已有往来', popularity: '合作经验' };
const RESULT_KINDS = ['university', 'institute', 'person', 'patent', 'enterprise'];

export function MatchPage({ params }) {
  const entity = params.get('entity') ?? '';
  const text = params.get('text') ?? '';
  const kind = params.get('kind') ?? '';
  const includeLinked = params.get('include_linked') === 'true';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [mode, setMode] = useState(text ? 'text' : 'entity');
  const [need, setNeed] = useState(text);
  const [typed, setTyped] = useState('');
  useEffect(() => setNeed(text), [text]);
  const state = { entity, text, kind, include_linked: includeLinked ? 'true' : '', offset };
  const go = (changes) => navigate(href.match({ ...state, offset: 0, ...changes }));
  const query = { kind, include_linked: includeLinked, limit: PAGE, offset };
  const key = entity || text.trim() ? JSON.stringify(state) : null;
  const { data, error, loading } = useLoad(key, (signal) =>
    entity ? get('match', { entity, ...query }, signal) : post('match', { text, ...query }, signal),
  );
  // the box shows the name of the entity the answer is for
  const matchedName = data?.query.entity?.name;
  useEffect(() => {
    if (matchedName) setTyped(matchedName);
  }, [matchedName]);
  return html`
    <h1>校企匹配</h1>
    <div class="card match-form">
      <div class="tabs" role="tablist" aria-label="匹配方式">
        <button type="button" role="tab" aria-selected=${mode === 'entity'} onClick=${() => setMode('entity')}>选择一个实体</button>
        <button type="button" role="tab" aria-selected=${mode === 'text'} onClick=${() => setMode('text')}>粘贴一段需求</button>
      </div>
      ${mode === 'entity'
        ? html`<form onSubmit=${(e) => e.preventDefault()}>
            <p class="muted">企业：找能满足其技术需求的高校、院所、团队和专利；高校、院所、团队或人员：找可能采用其成果的企业。</p>
            <${SuggestBox} label="实体" showLabel=${true} placeholder="输入企业或高校名称" value=${typed}
              onInput=${setTyped} onPick=${(s) => {
                setTyped(s.name);
                go({ entity: s.id, text: '' });
              }} />
          </form>`
        : html`<form onSubmit=${(e) => {
            e.preventDefault();
            if (need.trim()) go({ text: need.trim(), entity: '' });
          }}>
            <label class="field-label" for="need">技术需求</label>
            <textarea id="need" rows="5" placeholder="例如：需要提高干细胞药物治疗溃疡性结肠炎的疗效" value=${need} onInput=${(e) => setNeed(e.currentTarget.value)}></textarea>
            <button type="submit" class="primary" disabled=${!need.trim()}>匹配</button>
          </form>`}
      <div class="options">
        <label for="match-kind">结果类型</label>
          <select id="match-kind" value=${kind} onChange=${(e) => go({ kind: e.currentTarget.value })}>
            <option value="">默认</option>
            ${RESULT_KINDS.map((k) => html`<option value=${k}>${kindLabel(k)}</option>`)}
          </select>
        <label class="check"><input type="checkbox" checked=${includeLinked} onChange=${(e) => go({ include_linked: e.currentTarget.checked ? 'true' : '' })} />包括已有合作的</label>
      </div>
    </div>
    <${ErrorBox} error=${error} />
    ${loading && html`<${Loading} what="匹配结果" />`}
    ${data && !loading && html`<${Results} data=${data} offset=${offset} onPage=${(o) => navigate(href.match({ ...state, offset: o }))} />`}
  `;
}

function Results({ data, offset, onPage }) {
  const subject = data.query.entity ? data.query.entity.name : '这段需求';
  return html`<section aria-labelledby="match-title">
    <h2 id="match-title" role="status">为 ${subject} 找到 ${data.total} 个候选${data.linked_left_out ? `（已略去 ${data.linked_left_out} 个已有关联的）` : ''}</h2>
    ${data.query.words?.length > 0 && html`<p class="muted">按这些词匹配：${data.query.words.slice(0, 20).join('、')}</p>`}
    <ol class="matches" start=${offset + 1}>
      ${data.results.map((r) => html`<${MatchCard} result=${r} />`)}
    </ol>
    ${data.total === 0 && html`<p>没有找到合适的候选。换个说法，或选择别的结果类型试试。</p>`}
    <${Pager} total=${data.total} offset=${offset} limit=${data.limit} onPage=${onPage} />
  </section>`;
}

function MatchCard({ result }) {
  const x = result.explanation;
  const names = Object.fromEntries((x.path?.nodes ?? []).map((n) => [n.id, n]));
  return html`<li class="card match">
    <div class="match-head">
      <${EntityLink} entity=${result} />
      ${result.location && html`<span class="muted">${result.location}</span>`}
      ${result.linked && html`<span class="chip static">已有关联</span>`}
      <span class="score" aria-label=${`得分 ${result.score.toFixed(2)}`}>${result.score.toFixed(2)}</span>
    </div>
    <div class="signals" aria-label="各信号的贡献">
      ${x.signals.filter((s) => s.share > 0).map(
        (s) => html`<span class=${`signal signal-${s.signal}`} style=${{ flexGrow: s.share }} title=${`${SIGNALS[s.signal] ?? s.signal} ${percent(s.share)}`}>
          ${SIGNALS[s.signal] ?? s.signal} ${percent(s.share)}
        </span>`,
      )}
    </div>
    ${x.terms.length > 0 && html`<p><span class="label">匹配的词</span> ${x.terms.map((t) => html`<span class="chip static" title=${`权重 ${t.weight.toFixed(2)}`}>${t.term} <small>${t.weight.toFixed(2)}</small></span>`)}</p>`}
    ${x.industries.length > 0 && html`<p><span class="label">相同产业</span> ${x.industries.join('、')}</p>`}
    ${x.teams?.length > 0 && html`<p><span class="label">团队与人员</span> ${x.teams.map((t, i) => html`${i > 0 && '、'}<a href=${href.entity(t.id)}>${t.name}</a>`)}</p>`}
    ${x.patents?.length > 0 && html`<p><span class="label">相关专利</span> ${x.patents.map((t, i) => html`${i > 0 && '、'}<a href=${href.entity(t.id)}>${t.name}</a>`)}</p>`}
    ${x.evidence.length > 0 &&
    html`<details open>
      <summary>依据（${x.evidence.length}）</summary>
      <ul class="evidence-list">
        ${x.evidence.map((e) => html`<li>
          <${KindBadge} kind=${e.kind} />
          <a href=${e.kind === 'document' ? href.document(e.id) : href.entity(e.id)}>${e.title}</a>
          ${e.via && html` <span class="muted">（${e.via === 'self' ? '本身' : relationLabel(e.via)}）</span>`}
          <${Snippet} html=${e.snippet} />
        </li>`)}
      </ul>
    </details>`}
    ${x.referred_by?.length > 0 && html`<p><span class="label">伙伴推荐</span> ${x.referred_by.map((r, i) => html`${i > 0 && '、'}<a href=${href.entity(r.id)}>${r.name}</a>`)}</p>`}
    ${x.ties?.length > 0 && html`<p><span class="label">已有往来</span> ${x.ties.map((t) => html`<span class="chip static">${t.from.name} ${relationLabel(t.kind)} ${t.to.name}</span>`)}</p>`}
    ${x.path &&
    html`<details>
      <summary>连接路径（${x.path.length} 步）：<span class="mini-path">${x.path.nodes.map((n, j) => html`${j > 0 && html`<span class="arrow"> ${relationLabel(x.path.edges[j - 1].kind)} </span>`}<span class="mini-node"><${KindBadge} kind=${n.kind} /> ${n.name}</span>`)}</span></summary>
      ${x.path.edges.map((e) => html`<${EdgeLine} edge=${e} names=${names} />`)}
    </details>`}
  </li>`;
}
