// An interactive drawing of a neighbourhood or of paths, by cytoscape.js
// (loaded on first use, its own chunk). Nodes are coloured by kind; a
// click selects a node (onSelect), a double click or a second click on the
// selected node asks to expand it (onExpand).
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { kindColour, kindLabel, relationLabel } from '../format.js';

let library = null;
/** Starts loading the graph library (a page that will draw calls it first). */
export function loadLibrary() {
  library ??= Promise.all([import('cytoscape'), import('cytoscape-fcose')]).then(([cy, fcose]) => {
    cy.default.use(fcose.default);
    return cy.default;
  });
  return library;
}

const STYLE = [
  {
    selector: 'node',
    style: {
      'background-color': 'data(colour)',
      label: 'data(label)',
      color: '#111827',
      'font-size': 12,
      'font-family': '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'text-wrap': 'ellipsis',
      'text-max-width': 110,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': 2,
      width: 22,
      height: 22,
      'border-width': 2,
      'border-color': '#ffffff',
    },
  },
  { selector: 'node[?center]', style: { width: 36, height: 36, 'font-size': 14, 'font-weight': 'bold', 'border-color': '#111827', 'border-width': 3 } },
  { selector: 'node[?expanded]', style: { 'border-color': '#111827', 'border-style': 'double', 'border-width': 4 } },
  { selector: 'node:selected', style: { 'overlay-color': '#1d4ed8', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
  {
    selector: 'edge',
    style: {
      width: 1.5,
      'line-color': '#9ca3af',
      'target-arrow-color': '#9ca3af',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.8,
      'curve-style': 'bezier',
      label: 'data(label)',
      'font-size': 10,
      color: '#374151',
      'text-rotation': 'autorotate',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.9,
      'text-opacity': 0,
    },
  },
  { selector: 'edge[?path]', style: { width: 3, 'line-color': '#1d4ed8', 'target-arrow-color': '#1d4ed8', 'text-opacity': 1 } },
  { selector: 'edge:selected, edge.near', style: { 'line-color': '#1d4ed8', 'target-arrow-color': '#1d4ed8', 'text-opacity': 1, width: 2.5 } },
];

function toElements(graph) {
  const nodes = graph.nodes.map((n) => ({
    group: 'nodes',
    data: { id: n.id, label: n.name || n.id, kind: n.kind, colour: kindColour(n.kind), center: !!n.center, expanded: !!n.expanded },
  }));
  const edges = graph.edges.map((e) => ({
    group: 'edges',
    data: { id: `${e.from}|${e.kind}|${e.to}`, source: e.from, target: e.to, kind: e.kind, label: relationLabel(e.kind), path: !!e.path },
  }));
  return [...nodes, ...edges];
}

/**
 * props: graph {nodes: [{id, kind, name, center?, expanded?}], edges:
 * [{from, to, kind, path?}]}, label (what the drawing shows, for screen
 * readers), layout ('fcose' | 'breadthfirst'), roots (for breadthfirst),
 * onSelect(id), onExpand(id), height.
 */
export function GraphView({ graph, label, layout = 'fcose', roots = [], onSelect, onExpand, height = 460 }) {
  const container = useRef(null);
  const cyRef = useRef(null);
  const handlers = useRef({});
  handlers.current = { onSelect, onExpand };
  // the graph of the latest render, for a library that loads later
  const latest = useRef(graph);
  latest.current = graph;
  const [failed, setFailed] = useState(null);

  useEffect(() => {
    let cancelled = false;
    loadLibrary().then(
      (cytoscape) => {
        if (cancelled) return;
        const cy = cytoscape({ container: container.current, style: STYLE, wheelSensitivity: 0.3, minZoom: 0.2, maxZoom: 3 });
        cyRef.current = cy;
        container.current.cy = cy;
        let last = null;
        cy.on('tap', 'node', (event) => {
          const id = event.target.id();
          if (last === id) handlers.current.onExpand?.(id);
          last = id;
          handlers.current.onSelect?.(id);
        });
        cy.on('dbltap', 'node', (event) => handlers.current.onExpand?.(event.target.id()));
        cy.on('mouseover', 'node', (event) => event.target.connectedEdges().addClass('near'));
        cy.on('mouseout', 'node', (event) => event.target.connectedEdges().removeClass('near'));
        draw(cy, latest.current, layout, roots);
      },
      (error) => setFailed(error),
    );
    return () => {
      cancelled = true;
      cyRef.current?.destroy();
      cyRef.current = null;
    };
  }, []);

  useEffect(() => {
    if (cyRef.current) draw(cyRef.current, graph, layout, roots);
  }, [graph]);

  if (failed) return html`<p class="error">图形库加载失败：${failed.message}</p>`;
  return html`<div class="graph-canvas" ref=${container} role="img" aria-label=${label} style=${{ height: `${height}px` }}></div>`;
}

function draw(cy, graph, layout, roots) {
  const wanted = toElements(graph);
  const ids = new Set(wanted.map((e) => e.data.id));
  const before = new Set(cy.elements().map((e) => e.id()));
  // nothing drawn yet: place everything afresh; else move what is there little
  const first = cy.nodes().length === 0;
  cy.batch(() => {
    cy.elements().filter((e) => !ids.has(e.id())).remove();
    for (const element of wanted) {
      const existing = cy.getElementById(element.data.id);
      if (existing.nonempty()) existing.data(element.data);
    }
    const added = wanted.filter((e) => !before.has(e.data.id));
    // new nodes start beside a neighbour already drawn, so the layout moves them little
    for (const element of added.filter((e) => e.group === 'nodes')) {
      const edge = wanted.find((e) => e.group === 'edges' && (e.data.source === element.data.id || e.data.target === element.data.id) && before.has(e.data.source === element.data.id ? e.data.target : e.data.source));
      if (edge) {
        const other = cy.getElementById(edge.data.source === element.data.id ? edge.data.target : edge.data.source);
        const p = other.position();
        element.position = { x: p.x + (Math.random() - 0.5) * 60, y: p.y + (Math.random() - 0.5) * 60 };
      }
    }
    cy.add(added.filter((e) => e.group === 'nodes'));
    cy.add(added.filter((e) => e.group === 'edges'));
  });
  const options =
    layout === 'breadthfirst'
      ? {
          name: 'breadthfirst',
          directed: false,
          roots: roots.map((r) => `#${CSS.escape(r)}`).join(', '),
          spacingFactor: 1.2,
          animate: false,
          fit: true,
          padding: 30,
          // levels left to right, as a path reads
          transform: (node, p) => ({ x: p.y * 2.4, y: p.x * 0.5 }),
        }
      : { name: 'fcose', quality: 'default', randomize: first, animate: !first, animationDuration: 300, fit: true, padding: 30, nodeRepulsion: 9000, idealEdgeLength: Math.min(240, Math.max(90, cy.nodes().length * 6)), nodeSeparation: 80 };
  if (cy.nodes().length === 0) return;
  const running = cy.layout(options);
  const frame = cy.container();
  frame.dataset.layout = 'running';
  // a few nodes fitted to the frame would be drawn huge
  running.one('layoutstop', () => {
    frame.dataset.layout = 'done';
    if (cy.zoom() > 1.3) {
      cy.zoom(1.3);
      cy.center();
    }
  });
  running.run();
}

/** Colours by kind, for the kinds on a drawing. */
export function Legend({ kinds }) {
  return html`<ul class="legend" aria-label="图例">
    ${[...new Set(kinds)].map(
      (kind) => html`<li><span class="dot" style=${{ background: kindColour(kind) }}></span>${kindLabel(kind)}</li>`,
    )}
  </ul>`;
}
