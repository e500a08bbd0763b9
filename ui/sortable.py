"""A movable list for ordering questions: drag a step, or move it with its ▲/▼ buttons.

Streamlit has no sortable-list widget (drag-reorder is still open upstream, #4393), so this is a
Custom Component v2 (STREAMLIT.md, "Widgets for ordering/matching quizzes"): no iframe, no build
step. Every step is a list item the learner can drag; its ▲ and ▼ are real buttons with
aria-labels, so Tab + Enter/Space moves a step from the keyboard, and Alt+↑/↓ moves the
focused step. Texts are set with textContent, never as HTML.

Python owns the order. The component is drawn from `data.order`; a move sends the new order
with a fresh number `n`, so the same order reached twice still counts as a move. `take_move`
reads that from session state before the list is drawn (and before a Check answer callback
grades it), which also lets AppTest move steps by setting `session_state[key]`.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

NAME = "adaptlab.sortable_list"

CSS = """
ol { list-style: none; margin: 0; padding: 0; font-family: var(--st-font, sans-serif); }
li { display: flex; align-items: center; gap: .5rem; margin: 0 0 .35rem 0; padding: .45rem .6rem;
     border: 1px solid var(--st-border-color, #d0d3da); border-radius: .5rem; cursor: grab;
     background: var(--st-secondary-background-color, #f0f2f6); color: var(--st-text-color, #31333f); }
li:focus-visible, button:focus-visible { outline: 2px solid var(--st-primary-color, #1f6feb);
     outline-offset: 2px; }
li.dragging { opacity: .5; }
.num { font-weight: 600; min-width: 1.6rem; }
.text { flex: 1; }
.grip { opacity: .6; user-select: none; }
button { min-width: 2.2rem; padding: .2rem .5rem; border-radius: .4rem; cursor: pointer;
     border: 1px solid var(--st-border-color, #d0d3da); background: var(--st-background-color, #fff);
     color: var(--st-text-color, #31333f); font-size: 1rem; }
button:disabled { opacity: .35; cursor: default; }
"""

JS = """
export default function (component) {
  const { data, setStateValue, parentElement } = component;
  const root = parentElement;
  const texts = Object.fromEntries(data.steps.map((s) => [s.id, s.text]));
  let order = data.order.slice();
  root.querySelector('ol')?.remove();
  const list = document.createElement('ol');
  list.setAttribute('aria-label', data.label);
  root.appendChild(list);

  const refocus = () => {
    const focus = root.__focus;
    if (!focus) return;
    const li = list.querySelector(`li[data-id="${CSS.escape(focus.id)}"]`);
    const target = focus.what === 'item' ? li : li?.querySelector(`button[data-what="${focus.what}"]`);
    (target && !target.disabled ? target : li)?.focus();
  };
  const send = (focusId, focusWhat) => {
    // Keep the focus on the moved step now, and again when the rerun redraws the list.
    root.__focus = { id: focusId, what: focusWhat, order: order.join('\\u0000') };
    refocus();
    root.__n = (root.__n || 0) + 1;
    setStateValue('order', { order: order.slice(), n: Date.now() * 1000 + root.__n });
  };
  const move = (index, delta) => {
    const target = index + delta;
    if (target < 0 || target >= order.length) return;
    [order[index], order[target]] = [order[target], order[index]];
    draw();
  };
  const button = (symbol, what, text, index, delta) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = symbol;
    b.dataset.what = what;
    b.setAttribute('aria-label', `Move '${text}' ${what}`);
    b.title = `Move ${what}`;
    b.disabled = delta < 0 ? index === 0 : index === order.length - 1;
    b.addEventListener('click', () => { const id = order[index]; move(index, delta); send(id, what); });
    return b;
  };
  let dragged = null;
  const draw = () => {
    list.replaceChildren();
    order.forEach((id, index) => {
      const li = document.createElement('li');
      li.draggable = true;
      li.tabIndex = 0;
      li.dataset.id = id;
      li.setAttribute('aria-label', `Step ${index + 1}: ${texts[id]}. Alt+Up or Alt+Down moves it.`);
      const grip = document.createElement('span');
      grip.className = 'grip';
      grip.textContent = '⠿';
      grip.setAttribute('aria-hidden', 'true');
      const num = document.createElement('span');
      num.className = 'num';
      num.textContent = `${index + 1}.`;
      const text = document.createElement('span');
      text.className = 'text';
      text.textContent = texts[id];
      li.append(grip, num, text, button('▲', 'up', texts[id], index, -1),
                button('▼', 'down', texts[id], index, 1));
      li.addEventListener('keydown', (e) => {
        if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
        e.preventDefault();
        const i = order.indexOf(id);
        const delta = e.key === 'ArrowUp' ? -1 : 1;
        if (i + delta < 0 || i + delta >= order.length) return;
        move(i, delta);
        send(id, 'item');
      });
      li.addEventListener('dragstart', (e) => {
        dragged = id;
        li.classList.add('dragging');
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', id);
      });
      li.addEventListener('dragover', (e) => {
        // Move the dragged node itself (redrawing would drop the element being dragged).
        e.preventDefault();
        const source = list.querySelector('li.dragging');
        if (!source || source === li) return;
        const rect = li.getBoundingClientRect();
        const after = e.clientY > rect.top + rect.height / 2;
        list.insertBefore(source, after ? li.nextSibling : li);
      });
      li.addEventListener('drop', (e) => e.preventDefault());
      li.addEventListener('dragend', () => {
        const moved = dragged;
        dragged = null;
        li.classList.remove('dragging');
        const now = [...list.children].map((node) => node.dataset.id);
        if (moved === null || now.join('\\u0000') === order.join('\\u0000')) return;
        order = now;
        draw();
        send(moved, 'item');
      });
      list.appendChild(li);
    });
  };
  draw();
  if (root.__focus && root.__focus.order === order.join('\\u0000')) {
    refocus();
    root.__focus = null;
  }
}
"""

_component = st.components.v2.component(NAME, css=CSS, js=JS)


def take_move(key: str, step_ids: Sequence[str], seen: int) -> tuple[list[str], int] | None:
    """The order the learner made in the list at `key`, if it is newer than move number `seen`.

    None when there is no new move, or when the value is not a permutation of `step_ids`
    (a value from an older version of the question, or a hand-made one).
    """
    value = st.session_state.get(key)
    moved = value.get("order") if isinstance(value, dict) else None
    if not isinstance(moved, dict):
        return None
    order, number = moved.get("order"), moved.get("n")
    if not isinstance(number, int) or number == seen or not isinstance(order, list):
        return None
    if sorted(map(str, order)) != sorted(step_ids):
        return None
    return [str(s) for s in order], number


def sortable_list(steps: Sequence[tuple[str, str]], order: Sequence[str], key: str,
                  label: str) -> None:
    """Draw the list in `order`; `steps` are (id, text). Read moves back with `take_move`."""
    _component(key=key, data={"steps": [{"id": i, "text": t} for i, t in steps],
                              "order": list(order), "label": label},
               default={"order": None}, on_order_change=lambda: None)
