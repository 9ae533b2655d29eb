// The API client: every page is a view of /api routes a script could call.
import { useEffect, useState } from 'preact/hooks';

/** An error answered by the API (its JSON error body) or by the network. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** A query string from an object, leaving out empty values. */
export function queryString(params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function request(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', '无法连接服务器，请检查服务是否在运行。');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body?.error?.message ?? `服务器返回 ${response.status}`;
    throw new ApiError(response.status, body?.error?.code ?? 'http', message);
  }
  return body;
}

/** GET /api/<path> with query parameters. */
export function get(path, params, signal) {
  return request(`/api/${path}${queryString(params)}`, { signal, headers: { accept: 'application/json' } });
}

/** POST /api/<path> with a JSON body. */
export function post(path, body, signal) {
  return request(`/api/${path}`, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * Runs `load(signal)` whenever `key` changes; answers {data, error, loading}.
 * A newer load cancels the one before, so a slow answer never replaces a
 * newer one. A null key loads nothing.
 */
export function useLoad(key, load) {
  const [state, setState] = useState({ data: null, error: null, loading: key !== null });
  useEffect(() => {
    if (key === null) {
      setState({ data: null, error: null, loading: false });
      return undefined;
    }
    const controller = new AbortController();
    setState((before) => ({ data: before.data, error: null, loading: true }));
    load(controller.signal).then(
      (data) => controller.signal.aborted || setState({ data, error: null, loading: false }),
      (error) => controller.signal.aborted || error.name === 'AbortError' || setState({ data: null, error, loading: false }),
    );
    return () => controller.abort();
  }, [key]);
  return state;
}
