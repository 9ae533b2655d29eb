// Chinese labels for kinds, colours for kinds, and numbers, amounts and
// dates written as a Chinese reader expects them (4.5亿美元, 2023年5月).

const labels = { entity: {}, relation: {} };

/** Takes the kind labels (`GET /api/kinds`'s answer, which the page also carries), once, before the first page. */
export function setKinds(kinds) {
  for (const { kind, label } of kinds.entity) labels.entity[kind] = label;
  for (const { kind, label } of kinds.relation) labels.relation[kind] = label;
}

/** Every entity kind, in the API's order. */
export const entityKinds = () => Object.keys(labels.entity);
/** Every relation kind, in the API's order. */
export const relationKinds = () => Object.keys(labels.relation);

/** The Chinese name of an entity kind (or `document`). */
export const kindLabel = (kind) => labels.entity[kind] ?? kind;
/** The Chinese name of a relation kind. */
export const relationLabel = (kind) => labels.relation[kind] ?? kind;

// One colour per entity kind: dark enough for white text (WCAG AA, 4.5:1)
// and told apart on the graph.
const COLOURS = {
  enterprise: '#1d4ed8',
  university: '#7e22ce',
  institute: '#9d174d',
  platform: '#b45309',
  person: '#047857',
  patent: '#4d7c0f',
  project: '#0e7490',
  product: '#c2410c',
  policy: '#475569',
  zone: '#a16207',
  industry: '#be123c',
  award: '#854d0e',
  event: '#6d28d9',
  region: '#57534e',
  agency: '#334155',
  document: '#374151',
};

/** The colour of an entity kind. */
export const kindColour = (kind) => COLOURS[kind] ?? '#374151';

const number = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

/** A count: 8,523 or 12.3万 or 1.2亿. */
export function count(n) {
  if (n === null || n === undefined) return '';
  if (n >= 1e8) return `${number.format(n / 1e8)}亿`;
  if (n >= 1e5) return `${number.format(n / 1e4)}万`;
  return number.format(n);
}

/**
 * An amount with its unit, scaled to the unit a reader uses:
 * 45000 万美元 → 4.5亿美元, 0.5 亿元 → 5000万元.
 */
export function amount(value, unit) {
  if (value === null || value === undefined) return '';
  let v = value;
  let u = unit ?? '';
  const currency = u.replace(/^(万|亿)/, '');
  if (u.startsWith('万') && v >= 10000) {
    v /= 10000;
    u = `亿${currency}`;
  } else if (u.startsWith('亿') && v < 1) {
    v *= 10000;
    u = `万${currency}`;
  } else if (u === '元' && v >= 1e8) {
    v /= 1e8;
    u = '亿元';
  } else if (u === '元' && v >= 1e4) {
    v /= 1e4;
    u = '万元';
  }
  return `${number.format(v)}${u}`;
}

/** A date as YYYY年M月D日 (as much of it as is known). */
export function date(text) {
  if (!text) return '';
  const [y, m, d] = text.split('-');
  let out = `${y}年`;
  if (m) out += `${Number(m)}月`;
  if (d) out += `${Number(d)}日`;
  return out;
}

/** A share 0..1 as a percentage. */
export const percent = (share) => `${number.format(share * 100)}%`;
