// The app: a header with the sections, and the page the URL names.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { get } from './api.js';
import { setKinds } from './format.js';
import { href, interceptLinks, navigate, useLocation } from './router.js';
import { SuggestBox } from './components/suggest.js';
import { HomePage } from './pages/home.js';
import { SearchPage } from './pages/search.js';
import { EntityPage } from './pages/entity.js';
import { DocumentPage } from './pages/document.js';
import { PathPage } from './pages/path.js';
import { MatchPage } from './pages/match.js';
import './style.css';

const SECTIONS = [
  { path: '/', label: '首页' },
  { path: '/search', label: '搜索' },
  { path: '/path', label: '关系路径' },
  { path: '/match', label: '校企匹配' },
];

function page(where) {
  const { path, params } = where;
  const [, section, id] = path.split('/');
  switch (section) {
    case '':
      return html`<${HomePage} />`;
    case 'search':
      return html`<${SearchPage} params=${params} />`;
    case 'entity':
      return html`<${EntityPage} key=${id} id=${decodeURIComponent(id ?? '')} params=${params} />`;
    case 'document':
      return html`<${DocumentPage} key=${id} id=${decodeURIComponent(id ?? '')} params=${params} />`;
    case 'path':
      return html`<${PathPage} params=${params} />`;
    case 'match':
      return html`<${MatchPage} params=${params} />`;
    default:
      return html`<section><h1>页面不存在</h1><p><a href="/">回到首页</a></p></section>`;
  }
}

function HeaderSearch() {
  const [text, setText] = useState('');
  return html`<form class="header-search" role="search" onSubmit=${(e) => e.preventDefault()}>
    <${SuggestBox}
      label="搜索实体和文档"
      placeholder="搜索企业、高校、专利、文档…"
      value=${text}
      onInput=${setText}
      onPick=${(s) => {
        setText('');
        navigate(href.entity(s.id));
      }}
      onSubmit=${(q) => q.trim() && navigate(href.search({ q: q.trim() }))}
    />
  </form>`;
}

function App() {
  const where = useLocation();
  const section = `/${where.path.split('/')[1]}`;
  const first = useRef(true);
  useEffect(() => {
    // after a navigation (not on the first load) reading starts at the new page
    if (!first.current) document.getElementById('main')?.focus({ preventScroll: true });
    first.current = false;
  }, [where.path]);
  return html`
    <a class="skip" href="#main">跳到正文</a>
    <header class="top">
      <a class="brand" href="/">创新图谱</a>
      <nav aria-label="主导航">
        <ul>
          ${SECTIONS.map(
            (s) => html`<li><a href=${s.path} aria-current=${section === s.path ? 'page' : undefined}>${s.label}</a></li>`,
          )}
        </ul>
      </nav>
      ${section !== '/' && section !== '/search' && html`<${HeaderSearch} />`}
    </header>
    <main id="main" tabindex="-1">${page(where)}</main>
    <footer class="bottom"><span>创新图谱 · 数据来自本地索引</span> <a href="/api/openapi.json">API 文档</a></footer>
  `;
}

/** Draws the app in place of the loading note. */
function start() {
  const root = document.getElementById('app');
  root.textContent = '';
  render(html`<${App} />`, root);
}

interceptLinks();
// the server puts the kinds' labels in the page; the development server
// does not, and then they are asked for first
const embedded = document.getElementById('kinds');
let kinds = null;
try {
  kinds = embedded && JSON.parse(embedded.textContent);
} catch {
  kinds = null;
}
if (kinds) {
  setKinds(kinds);
  start();
} else {
  get('kinds').then(setKinds).catch(() => {}).finally(start);
}
