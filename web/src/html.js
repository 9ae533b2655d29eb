// Templates: htm's tagged templates over Preact, no JSX build step.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
