/**
 * A layout check run inside the page: text that does not fit its box (cut,
 * hidden behind an ellipsis, or spilling out), text or controls cut off by a
 * box that hides overflow or pushed off a screen that cannot scroll to them,
 * and text or controls drawn over one another. Each problem names the element
 * by a readable path (data-testid first, then classes) and quotes its text, so
 * a failure says what to fix.
 */
import type { Page } from 'playwright-core';

export interface LayoutProblem {
  readonly kind: 'overflow' | 'ellipsis' | 'cut' | 'off-screen' | 'overlap';
  /** Readable path of the element, e.g. `[data-testid=alert-screen] > div.alert-body > p.step-policy`. */
  readonly where: string;
  /** Its text (shortened). */
  readonly text: string;
  /** What is wrong, with the sizes measured. */
  readonly detail: string;
}

export interface LayoutOptions {
  /** Only elements inside this selector are checked (default: the whole page). */
  readonly root?: string;
  /** Elements matching any of these selectors (and everything inside them) are not checked. */
  readonly ignore?: readonly string[];
  /** Pixels of slack before an overflow or an overlap counts (default 2). */
  readonly tolerance?: number;
}

/** The problems on the page as it is laid out now; empty when it is clean. */
export async function layoutProblems(page: Page, options: LayoutOptions = {}): Promise<LayoutProblem[]> {
  return page.evaluate(inspectLayout, { root: options.root ?? 'body', ignore: [...(options.ignore ?? [])], tolerance: options.tolerance ?? 2 });
}

/** One line per problem, for a failure message; the same fault in many rows of a list is one line with a count. */
export function describeProblems(problems: readonly LayoutProblem[]): string[] {
  const seen = new Map<string, { first: LayoutProblem; count: number }>();
  for (const p of problems) {
    const key = `${p.kind}|${p.where.replace(/:nth-of-type\(\d+\)/g, '')}|${p.detail.replace(/:nth-of-type\(\d+\)/g, '').replace(/"[^"]*"/g, '').replace(/\d+/g, '#')}`;
    const known = seen.get(key);
    if (known) known.count++;
    else seen.set(key, { first: p, count: 1 });
  }
  return [...seen.values()].map(({ first: p, count }) => `${p.kind}: ${p.where} "${p.text}": ${p.detail}${count > 1 ? ` (and ${count - 1} more like it)` : ''}`);
}

interface InPageOptions {
  readonly root: string;
  readonly ignore: string[];
  readonly tolerance: number;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Runs in the browser (serialised by Playwright): self-contained, no imports
 * and no helpers from outside this function.
 */
function inspectLayout(options: InPageOptions): LayoutProblem[] {
  const slack = options.tolerance;
  const root = document.querySelector(options.root);
  if (!root) return [{ kind: 'cut', where: options.root, text: '', detail: 'the root element to check is not on the page' }];
  const problems: LayoutProblem[] = [];
  const viewport: Box = { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };

  const ignored = (el: Element): boolean => options.ignore.some((sel) => el.closest(sel) !== null);
  const round = (n: number): number => Math.round(n);
  const intersect = (a: Box, b: Box): Box => ({
    left: Math.max(a.left, b.left),
    top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right),
    bottom: Math.min(a.bottom, b.bottom),
  });
  const widthOf = (b: Box): number => b.right - b.left;
  const heightOf = (b: Box): number => b.bottom - b.top;
  const boxOf = (r: DOMRect | Box): Box => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });

  const segment = (el: Element): string => {
    const testId = el.getAttribute('data-testid');
    if (testId) return `[data-testid=${testId}]`;
    const tag = el.tagName.toLowerCase();
    if (el.id) return `${tag}#${el.id}`;
    const classes = Array.from(el.classList).slice(0, 2);
    let text = classes.length > 0 ? `${tag}.${classes.join('.')}` : tag;
    const parent = el.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((c) => c.tagName === el.tagName);
      if (same.length > 1) text += `:nth-of-type(${same.indexOf(el) + 1})`;
    }
    return text;
  };
  /** From the nearest ancestor with a test id (or the body) down to the element. */
  const pathOf = (el: Element): string => {
    const parts: string[] = [];
    let at: Element | null = el;
    while (at && at !== document.body && at !== document.documentElement) {
      parts.unshift(segment(at));
      if (at.hasAttribute('data-testid')) break;
      at = at.parentElement;
    }
    return parts.join(' > ') || 'body';
  };
  const ownText = (el: Element): string =>
    Array.from(el.childNodes)
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent ?? '')
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
  const textOf = (el: Element): string => {
    const value = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el.value || el.placeholder : '';
    const text = (value || (el as HTMLElement).innerText || el.textContent || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim();
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  };
  /** Elements already reported as cut or off the screen: what is inside them is not reported again. */
  const cutAway = new Set<Element>();
  /** The first element each box cuts, and how many more it cuts: one line per box. */
  const cutsBy = new Map<Element, { problem: { kind: LayoutProblem['kind']; where: string; text: string; detail: string }; more: number }>();
  const report = (kind: LayoutProblem['kind'], el: Element, detail: string, by?: Element): void => {
    if (kind === 'cut' || kind === 'off-screen') {
      for (let at = el.parentElement; at; at = at.parentElement) if (cutAway.has(at)) return;
      cutAway.add(el);
    }
    const problem = { kind, where: pathOf(el), text: textOf(el), detail };
    if (by) {
      const known = cutsBy.get(by);
      if (known) {
        known.more++;
        return;
      }
      cutsBy.set(by, { problem, more: 0 });
    }
    problems.push(problem);
  };

  /** Room the browser keeps for a drop-down's arrow. */
  const SELECT_ARROW = 20;
  const canvas = document.createElement('canvas').getContext('2d')!;
  const textWidth = (text: string, style: CSSStyleDeclaration): number => {
    canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const spacing = parseFloat(style.letterSpacing) || 0;
    return canvas.measureText(text).width + spacing * text.length;
  };

  /** The text laid out in the element's own lines: its text and that of inline elements in it (not of boxes or positioned labels inside it). */
  const flowText = (el: Element): Text[] => {
    const found: Text[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!(node.textContent ?? '').trim()) continue;
      let inFlow = true;
      for (let at = node.parentElement; at && at !== el; at = at.parentElement) {
        const s = getComputedStyle(at);
        if (s.display !== 'inline' || s.position === 'absolute' || s.position === 'fixed') {
          inFlow = false;
          break;
        }
      }
      if (inFlow) found.push(node as Text);
    }
    return found;
  };

  const INTERACTIVE = 'button, input:not([type=hidden]), select, textarea, a[href], [role=button], [role=tab], summary';
  const isInteractive = (el: Element): boolean => el.matches(INTERACTIVE);
  const scrolls = (v: string): boolean => v === 'auto' || v === 'scroll';
  const hides = (v: string): boolean => v === 'hidden' || v === 'clip';

  /** Shown at all: rendered, not hidden, not see-through, not a 1px screen-reader-only box. */
  const shown = (el: Element, style: CSSStyleDeclaration, rect: DOMRect): boolean => {
    if (style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse') return false;
    if (rect.width < 2 && rect.height < 2) return false;
    for (let at: Element | null = el; at; at = at.parentElement) {
      if (Number(getComputedStyle(at).opacity) === 0) return false;
    }
    return true;
  };

  /**
   * What of the element can be seen: its box cut by every ancestor that hides
   * or scrolls its overflow, and by the screen when nothing can scroll to it.
   */
  const visiblePart = (el: Element, box: Box): Box => {
    let part = box;
    for (let at = el.parentElement; at && at !== document.documentElement; at = at.parentElement) {
      const s = getComputedStyle(at);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const r = at.getBoundingClientRect();
        const clip: Box = {
          left: s.overflowX === 'visible' ? -Infinity : r.left + at.clientLeft,
          right: s.overflowX === 'visible' ? Infinity : r.left + at.clientLeft + at.clientWidth,
          top: s.overflowY === 'visible' ? -Infinity : r.top + at.clientTop,
          bottom: s.overflowY === 'visible' ? Infinity : r.top + at.clientTop + at.clientHeight,
        };
        part = intersect(part, clip);
      }
      if (s.position === 'fixed') break;
    }
    return intersect(part, viewport);
  };

  /**
   * The nearest ancestor that hides overflow (not one meant to scroll) the
   * element sticks out of, if any. Past a scroll container the element is
   * reachable along that axis, so what holds the container does not cut it.
   */
  const cuttingAncestor = (el: Element, box: Box): { by: Element; side: string; px: number } | null => {
    let checkX = true;
    let checkY = true;
    for (let at = el.parentElement; at && at !== document.body && at !== document.documentElement && (checkX || checkY); at = at.parentElement) {
      const s = getComputedStyle(at);
      const r = at.getBoundingClientRect();
      const inner: Box = {
        left: r.left + at.clientLeft,
        top: r.top + at.clientTop,
        right: r.left + at.clientLeft + at.clientWidth,
        bottom: r.top + at.clientTop + at.clientHeight,
      };
      if (checkX && hides(s.overflowX)) {
        if (box.right > inner.right + slack) return { by: at, side: 'right', px: box.right - inner.right };
        if (box.left < inner.left - slack) return { by: at, side: 'left', px: inner.left - box.left };
      }
      if (checkY && hides(s.overflowY)) {
        if (box.bottom > inner.bottom + slack) return { by: at, side: 'bottom', px: box.bottom - inner.bottom };
        if (box.top < inner.top - slack) return { by: at, side: 'top', px: inner.top - box.top };
      }
      if (scrolls(s.overflowX)) checkX = false;
      if (scrolls(s.overflowY)) checkY = false;
      if (s.position === 'fixed') break;
    }
    return null;
  };

  /** Whether something can scroll the element into view along an axis (a scroll container, or the page itself). */
  const reachable = (el: Element, axis: 'x' | 'y'): boolean => {
    for (let at = el.parentElement; at; at = at.parentElement) {
      const s = getComputedStyle(at);
      const over = axis === 'x' ? s.overflowX : s.overflowY;
      if (at === document.documentElement || at === document.body) {
        const page = document.scrollingElement ?? document.documentElement;
        const canScroll = axis === 'x' ? page.scrollWidth > window.innerWidth : page.scrollHeight > window.innerHeight;
        const html = getComputedStyle(document.documentElement);
        const body = getComputedStyle(document.body);
        const blocked = hides(axis === 'x' ? html.overflowX : html.overflowY) || hides(axis === 'x' ? body.overflowX : body.overflowY);
        if (canScroll && !blocked) return true;
        continue;
      }
      if (scrolls(over)) return true;
      if (s.position === 'fixed') return false;
    }
    return false;
  };

  interface Piece {
    readonly el: Element;
    readonly box: Box;
    /** The positioned layer (fixed or absolute ancestor) it is drawn in: pieces of different layers may cover one another on purpose. */
    readonly layer: Element;
  }
  const pieces: Piece[] = [];
  const layerOf = (el: Element): Element => {
    for (let at: Element | null = el; at && at !== root; at = at.parentElement) {
      const p = getComputedStyle(at).position;
      if (p === 'fixed' || p === 'absolute' || p === 'sticky') return at;
    }
    return root;
  };

  const elements = [root, ...Array.from(root.querySelectorAll('*'))];
  for (const el of elements) {
    // Inside an SVG drawing or a closed drop-down list, the browser draws the text its own way.
    if (el instanceof SVGElement && !(el instanceof SVGSVGElement)) continue;
    if (el instanceof HTMLOptionElement || el instanceof HTMLOptGroupElement) continue;
    if (ignored(el)) continue;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (!shown(el, style, rect)) continue;
    const text = ownText(el);
    const interactive = isInteractive(el);
    if (!text && !interactive) continue;
    const box = boxOf(rect);
    const seen = visiblePart(el, box);
    if (widthOf(seen) <= 0 || heightOf(seen) <= 0) {
      // Scrolled out of its list, or below the fold of a page that scrolls: fine. Cut away by a box that cannot scroll: not.
      const cut = cuttingAncestor(el, box);
      if (cut) report('cut', el, `hidden entirely: ${round(cut.px)}px past the ${cut.side} edge of ${pathOf(cut.by)}, which hides overflow`, cut.by);
      else if ((box.right > viewport.right || box.left < 0) && !reachable(el, 'x')) report('off-screen', el, `outside the screen sideways (left ${round(box.left)}, right ${round(box.right)}; screen ${viewport.right}px) and nothing scrolls to it`);
      else if (box.top > viewport.bottom && !reachable(el, 'y')) report('off-screen', el, `below the screen (top ${round(box.top)}; screen ${viewport.bottom}px) and nothing scrolls to it`);
      continue;
    }

    // Its own text does not fit its box.
    const inline = style.display === 'inline';
    const fieldValue = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
    if (!inline && !fieldValue && hides(style.overflowX) && el.scrollWidth > el.clientWidth + slack && el.clientWidth > 0) {
      const amount = `needs ${el.scrollWidth}px, has ${el.clientWidth}px`;
      if (style.textOverflow === 'ellipsis') report('ellipsis', el, `text cut short with an ellipsis (${amount})`);
      else report('overflow', el, `text cut at the right edge (${amount})`);
    } else if (!inline && !fieldValue && !scrolls(style.overflowX) && el.clientWidth > 0) {
      // Spilling out of a box that shows it: the element's own lines of text against its content box
      // (a label drawn beside it on purpose, positioned, is not its text).
      const r = el.getBoundingClientRect();
      const left = r.left + el.clientLeft + parseFloat(style.paddingLeft);
      const right = r.left + el.clientLeft + el.clientWidth - parseFloat(style.paddingRight);
      let textLeft = Infinity;
      let textRight = -Infinity;
      for (const node of flowText(el)) {
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const line of Array.from(range.getClientRects())) {
          textLeft = Math.min(textLeft, line.left);
          textRight = Math.max(textRight, line.right);
        }
      }
      if (textRight > right + slack || textLeft < left - slack) {
        report('overflow', el, `text runs out of its box (needs ${round(textRight - textLeft)}px, has ${round(right - left)}px)`);
      }
    }
    if (!inline && !fieldValue && hides(style.overflowY) && el.scrollHeight > el.clientHeight + slack && el.clientHeight > 0 && text) {
      report('overflow', el, `text cut at the bottom (needs ${el.scrollHeight}px, has ${el.clientHeight}px)`);
    }
    // A drop-down's chosen option and an empty field's hint are drawn by the browser: measured with the field's font.
    const shownText =
      el instanceof HTMLSelectElement ? (el.selectedOptions[0]?.text ?? '') : (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) && el.value === '' ? el.placeholder : '';
    if (shownText && el.clientWidth > 0 && !(el instanceof HTMLTextAreaElement)) {
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - (el instanceof HTMLSelectElement && style.appearance !== 'none' ? SELECT_ARROW : 0);
      const needs = textWidth(shownText, el instanceof HTMLSelectElement ? style : getComputedStyle(el, '::placeholder'));
      if (needs > room + slack) {
        report('overflow', el, `${el instanceof HTMLSelectElement ? 'the chosen option' : 'the hint'} "${shownText}" is cut (needs ${round(needs)}px, has ${round(room)}px)`);
      }
    }

    // Cut by an ancestor that hides what sticks out.
    const cut = cuttingAncestor(el, box);
    if (cut) report('cut', el, `${round(cut.px)}px cut off at the ${cut.side} edge of ${pathOf(cut.by)}`, cut.by);
    else if ((box.right > viewport.right + slack || box.left < -slack) && !reachable(el, 'x')) {
      report('off-screen', el, `runs off the screen sideways (left ${round(box.left)}, right ${round(box.right)}; screen ${viewport.right}px)`);
    } else if (box.bottom > viewport.bottom + slack && !reachable(el, 'y')) {
      report('off-screen', el, `runs off the bottom of the screen (bottom ${round(box.bottom)}; screen ${viewport.bottom}px) and nothing scrolls to it`);
    }

    // What counts for overlap: a control's whole box; for text, the lines of text themselves (within its box).
    const layer = layerOf(el);
    if (interactive) {
      pieces.push({ el, box: seen, layer });
    } else {
      for (const node of Array.from(el.childNodes)) {
        if (node.nodeType !== Node.TEXT_NODE || !(node.textContent ?? '').trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        // Lines of a tall font with a tight line height overlap their neighbours' glyph boxes, not their line boxes.
        const block = inline ? (el.parentElement ?? el) : el;
        const limit = visiblePart(el, boxOf(block.getBoundingClientRect()));
        for (const line of Array.from(range.getClientRects())) {
          const part = intersect(boxOf(line), limit);
          if (widthOf(part) > slack && heightOf(part) > slack) pieces.push({ el, box: part, layer });
        }
      }
    }
  }

  // Overlap: two pieces of the same layer, neither inside the other, that share more than a sliver.
  const flagged = new Set<string>();
  for (let i = 0; i < pieces.length; i++) {
    const a = pieces[i]!;
    for (let j = i + 1; j < pieces.length; j++) {
      const b = pieces[j]!;
      if (a.el === b.el || a.layer !== b.layer || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const both = intersect(a.box, b.box);
      if (widthOf(both) <= slack || heightOf(both) <= slack) continue;
      const key = `${pathOf(a.el)}|${pathOf(b.el)}`;
      if (flagged.has(key)) continue;
      flagged.add(key);
      report('overlap', a.el, `overlaps ${pathOf(b.el)} "${textOf(b.el)}" by ${round(widthOf(both))}x${round(heightOf(both))}px`);
    }
  }
  for (const { problem, more } of cutsBy.values()) {
    if (more > 0) problem.detail += ` (and ${more} more inside it)`;
  }
  return problems;
}
