// A windowed list: only the rows in view (plus a margin) are in the DOM, so 10,000 rows
// cost as much as 40. Keyboard: j/k or ↑/↓ move (roving tabindex, visible focus), Home/End,
// PageUp/PageDown, Enter opens; a single click opens too. `autoFocus` takes the keyboard
// when the page loads (and whenever nothing else has it), so j/k/Enter work at once.
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";

interface Props<T> {
  items: readonly T[];
  rowHeight: number;
  height: number;
  keyOf: (item: T) => string;
  render: (item: T, index: number) => ComponentChildren;
  onOpen?: (item: T) => void;
  label: string;
  rowClass?: (item: T) => string;
  testId?: string;
  /** Column headers, drawn above the rows (outside the scrolling area). */
  header?: ComponentChildren;
  /** Shown instead of rows when the list is empty. */
  empty?: ComponentChildren;
  autoFocus?: boolean;
}

const OVERSCAN = 8;

export function VirtualList<T>(p: Props<T>) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(0);
  const focusWanted = useRef(false);
  const count = p.items.length;
  const current = Math.min(active, Math.max(0, count - 1));

  const first = Math.max(0, Math.floor(scrollTop / p.rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + p.height) / p.rowHeight) + OVERSCAN);

  useLayoutEffect(() => {
    if (!focusWanted.current) return;
    focusWanted.current = false;
    box.current?.querySelector<HTMLElement>(`[data-index="${current}"]`)?.focus();
  });
  useEffect(() => {
    if (active >= count && count > 0) setActive(count - 1);
  }, [count, active]);
  // Focus on load: the first row takes the keyboard once there is one, unless the user is
  // already somewhere else (a filter, another list).
  const autoFocused = useRef(false);
  useEffect(() => {
    if (!p.autoFocus || autoFocused.current || count === 0) return;
    const el = document.activeElement;
    if (el && el !== document.body && el !== document.documentElement) return;
    autoFocused.current = true;
    box.current?.querySelector<HTMLElement>(`[data-index="${current}"]`)?.focus();
  }, [p.autoFocus, count]);
  const moveTo = (i: number) => {
    const next = Math.max(0, Math.min(count - 1, i));
    const el = box.current;
    if (el) {
      const top = next * p.rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + p.rowHeight > el.scrollTop + p.height)
        el.scrollTop = top + p.rowHeight - p.height;
      setScrollTop(el.scrollTop);
    }
    focusWanted.current = true;
    setActive(next);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const page = Math.max(1, Math.floor(p.height / p.rowHeight) - 1);
    const moves: Record<string, number> = {
      j: 1,
      ArrowDown: 1,
      k: -1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
    };
    if (e.key in moves) moveTo(current + moves[e.key]!);
    else if (e.key === "Home") moveTo(0);
    else if (e.key === "End") moveTo(count - 1);
    else if (e.key === "Enter" && p.items[current] !== undefined) p.onOpen?.(p.items[current]);
    else return;
    e.preventDefault();
  };

  // Keys pressed while nothing has focus (after a click on empty space) still drive the list.
  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  useEffect(() => {
    if (!p.autoFocus) return;
    const onDocKey = (e: KeyboardEvent) => {
      const el = document.activeElement;
      if (el && el !== document.body && el !== document.documentElement) return;
      onKeyRef.current(e);
    };
    document.addEventListener("keydown", onDocKey);
    return () => document.removeEventListener("keydown", onDocKey);
  }, [p.autoFocus]);

  const rows = [];
  for (let i = first; i < last; i++) {
    const item = p.items[i]!;
    rows.push(
      <div
        key={p.keyOf(item)}
        role="row"
        class={`vrow ${p.rowClass?.(item) ?? ""}`}
        aria-rowindex={i + 2}
        data-index={i}
        data-key={p.keyOf(item)}
        tabIndex={i === current ? 0 : -1}
        style={{ top: `${i * p.rowHeight}px`, height: `${p.rowHeight}px` }}
        onClick={() => {
          setActive(i);
          p.onOpen?.(item);
        }}
        onFocus={() => setActive(i)}
      >
        {p.render(item, i)}
      </div>,
    );
  }
  return (
    <div class="vtable" role="grid" aria-label={p.label} aria-rowcount={count + 1}>
      {p.header}
      {count === 0 && p.empty ? (
        <div
          class="vlist vempty"
          data-testid={p.testId}
          role="status"
          style={{ height: `${p.height}px` }}
        >
          {p.empty}
        </div>
      ) : (
        <div
          ref={box}
          class="vlist"
          role="grid"
          aria-label={p.label}
          aria-rowcount={count}
          data-testid={p.testId}
          style={{ height: `${p.height}px` }}
          onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
          onKeyDown={onKey}
        >
          <div style={{ height: `${count * p.rowHeight}px`, position: "relative" }}>{rows}</div>
        </div>
      )}
    </div>
  );
}
