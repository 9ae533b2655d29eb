// The URL is the state: pages read their parameters from it, and every
// change of view is a new history entry, so any view can be bookmarked.
import { useEffect, useState } from 'preact/hooks';
import { queryString as qs } from './api.js';

const CHANGED = 'innograph:navigate';

/** Goes to `url` (same origin) without reloading the page. */
export function navigate(url, { replace = false } = {}) {
  const target = new URL(url, location.href);
  const current = location.pathname + location.search;
  const next = target.pathname + target.search;
  if (next === current && !replace) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', next + target.hash);
  window.dispatchEvent(new Event(CHANGED));
  if (!replace) window.scrollTo(0, 0);
}

/** The current path and query parameters, updated on every navigation. */
export function useLocation() {
  const read = () => ({ path: location.pathname, params: new URLSearchParams(location.search), key: location.pathname + location.search });
  const [where, setWhere] = useState(read);
  useEffect(() => {
    const update = () => setWhere(read());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGED, update);
    };
  }, []);
  return where;
}

/** Makes plain links to the app's own pages navigate without a reload. */
export function interceptLinks() {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest?.('a[href]');
    if (!link || link.target || link.hasAttribute('download')) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api') || url.pathname === '/metrics') return;
    event.preventDefault();
    navigate(url.href);
  });
}

/** The app's URL for an entity, a document, a search … */
export const href = {
  entity: (id, params = {}) => `/entity/${encodeURIComponent(id)}${qs(params)}`,
  document: (id, params = {}) => `/document/${encodeURIComponent(id)}${qs(params)}`,
  search: (params) => `/search${qs(params)}`,
  path: (params) => `/path${qs(params)}`,
  match: (params) => `/match${qs(params)}`,
};
