// A search box that completes entity names as one types: Chinese, full
// pinyin or initials (/api/suggest). An ARIA combobox: arrows move through
// the list, Enter picks, Escape closes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { get } from '../api.js';
import { KindBadge } from './common.js';

let boxes = 0;

/**
 * props: label (read by screen readers, shown when `showLabel`), value,
 * onInput(text), onPick(suggestion), onSubmit(text) (Enter with nothing
 * picked; without it Enter picks the first suggestion), placeholder.
 */
export function SuggestBox({ label, showLabel = false, value, onInput, onPick, onSubmit, placeholder = '', name = 'q', autofocus = false }) {
  const [id] = useState(() => `suggest-${(boxes += 1)}`);
  const [items, setItems] = useState([]);
  // the text the listed suggestions answer
  const [answered, setAnswered] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef(null);
  const typed = useRef(false);

  useEffect(() => {
    if (autofocus) input.current?.focus();
  }, []);

  useEffect(() => {
    const text = (value ?? '').trim();
    if (!typed.current || !text) {
      setItems([]);
      return undefined;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      get('suggest', { q: text, limit: 8 }, controller.signal).then(
        (answer) => {
          if (!typed.current) return;
          setItems(answer.suggestions);
          setAnswered(text);
          setActive(-1);
          setOpen(true);
        },
        () => {},
      );
    }, 60);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [value]);

  const pick = (item) => {
    setOpen(false);
    typed.current = false;
    onPick?.(item);
  };

  const onKeyDown = (event) => {
    const shown = open && items.length > 0;
    if (event.key === 'ArrowDown' && items.length) {
      event.preventDefault();
      setOpen(true);
      setActive((a) => (a + 1) % items.length);
    } else if (event.key === 'ArrowUp' && shown) {
      event.preventDefault();
      setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (shown && active >= 0) pick(items[active]);
      else if (onSubmit) {
        setOpen(false);
        typed.current = false;
        onSubmit(value);
      } else if (items.length) pick(items[0]);
    } else if (event.key === 'Escape' && shown) {
      // closes the list; a second Escape clears the box as usual
      event.preventDefault();
      setOpen(false);
    }
  };

  const listId = `${id}-list`;
  const expanded = open && items.length > 0;
  return html`<div class="suggest">
    <label for=${id} class=${showLabel ? 'field-label' : 'visually-hidden'}>${label}</label>
    <input
      id=${id}
      ref=${input}
      type="search"
      name=${name}
      autocomplete="off"
      role="combobox"
      aria-autocomplete="list"
      aria-expanded=${expanded ? 'true' : 'false'}
      aria-controls=${listId}
      aria-activedescendant=${expanded && active >= 0 ? `${id}-${active}` : undefined}
      placeholder=${placeholder}
      value=${value}
      onInput=${(e) => {
        typed.current = true;
        onInput(e.currentTarget.value);
      }}
      onKeyDown=${onKeyDown}
      onBlur=${() => setTimeout(() => setOpen(false), 150)}
      onFocus=${() => items.length && setOpen(true)}
    />
    <ul id=${listId} data-query=${answered} role="listbox" aria-label=${`${label}：候选`} class="suggestions" hidden=${!expanded}>
      ${items.map(
        (item, i) => html`<li
          id=${`${id}-${i}`}
          role="option"
          aria-selected=${i === active ? 'true' : 'false'}
          class=${i === active ? 'active' : ''}
          onMouseDown=${(e) => {
            e.preventDefault();
            pick(item);
          }}
        >
          <${KindBadge} kind=${item.kind} />
          <span class="name">${item.name}</span>
          ${item.matched !== item.name && html`<span class="muted">${item.matched}</span>`}
        </li>`,
      )}
    </ul>
  </div>`;
}
