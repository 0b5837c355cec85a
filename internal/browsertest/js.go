package browsertest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// helpersJS is the page-side half of the harness. It is evaluated through the
// DevTools protocol (Runtime.evaluate), never through a <script> element, so a
// strict Content-Security-Policy does not block it and the page's globals are
// not touched. It also works when page JavaScript is disabled with
// Emulation.setScriptExecutionDisabled, because the DevTools protocol still
// runs synchronous code.
//
// Every finder returns either the element it found or a string that explains
// what went wrong, so that the Go side can fail the test with a helpful
// message (listing what the page does have).
const helpersJS = `(() => {
  const norm = s => (s == null ? '' : String(s)).replace(/\s+/g, ' ').trim();
  const rendered = el => !!el && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== 'hidden';
  // textOf is the text of an element without the text of nested selects and
  // textareas (a label that wraps a select would otherwise include every option).
  const textOf = el => {
    const c = el.cloneNode(true);
    c.querySelectorAll('select, textarea, script, style, template').forEach(e => e.remove());
    return norm(c.textContent);
  };
  const clip = (s, n) => s.length > n ? s.slice(0, n - 1) + '…' : s;
  const describe = el => {
    if (!el) return 'nothing';
    if (el === document.body) return 'body';
    if (el === document.documentElement) return 'html';
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    s += [...el.classList].slice(0, 3).map(c => '.' + c).join('');
    for (const a of ['type', 'name', 'href']) {
      const v = el.getAttribute(a);
      if (v != null && !(a === 'type' && el.tagName !== 'INPUT' && el.tagName !== 'BUTTON')) s += '[' + a + '=' + JSON.stringify(v) + ']';
    }
    let text = '';
    if (el.labels && el.labels.length) text = 'labelled ' + JSON.stringify(clip(textOf(el.labels[0]), 60));
    else if (el.getAttribute('aria-label')) text = 'labelled ' + JSON.stringify(clip(norm(el.getAttribute('aria-label')), 60));
    else if (el.tagName === 'INPUT') text = el.value ? JSON.stringify(clip(el.value, 60)) : '';
    else text = textOf(el) ? JSON.stringify(clip(textOf(el), 60)) : '';
    return text ? s + ' ' + text : s;
  };

  const isField = el => el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' &&
    !['checkbox', 'radio', 'submit', 'button', 'reset', 'image', 'file', 'hidden'].includes(el.type));
  const kinds = {
    field: {what: 'text field', ok: isField},
    check: {what: 'checkbox or radio', ok: el => el.tagName === 'INPUT' && (el.type === 'checkbox' || el.type === 'radio')},
    select: {what: 'select box', ok: el => el.tagName === 'SELECT'},
    file: {what: 'file input', ok: el => el.tagName === 'INPUT' && el.type === 'file'},
  };
  const kindOf = el => Object.keys(kinds).find(k => kinds[k].ok(el));

  // labelled lists every form control with the names that label it: its
  // <label> elements, aria-labelledby and aria-label.
  const labelled = () => {
    const out = [];
    for (const l of document.querySelectorAll('label')) {
      if (l.control) out.push({el: l.control, name: textOf(l)});
    }
    for (const el of document.querySelectorAll('[aria-labelledby]')) {
      const name = el.getAttribute('aria-labelledby').split(/\s+/)
        .map(id => document.getElementById(id)).filter(Boolean).map(textOf).join(' ');
      out.push({el, name: norm(name)});
    }
    for (const el of document.querySelectorAll('[aria-label]')) {
      out.push({el, name: norm(el.getAttribute('aria-label'))});
    }
    return out.filter(c => kindOf(c.el));
  };
  const usableControl = el => rendered(el) || [...(el.labels || [])].some(rendered);

  const buttons = () => {
    const out = [];
    const sel = 'button, input[type=submit], input[type=button], input[type=reset], input[type=image], [role=button], summary';
    for (const el of document.querySelectorAll(sel)) {
      if (el.tagName === 'INPUT') {
        out.push({el, name: norm(el.type === 'image' ? el.alt : (el.value || (el.type === 'submit' ? 'Submit' : el.type === 'reset' ? 'Reset' : '')))});
      } else {
        out.push({el, name: textOf(el)});
      }
      if (el.getAttribute('aria-label')) out.push({el, name: norm(el.getAttribute('aria-label'))});
    }
    return out;
  };
  const links = () => {
    const out = [];
    for (const el of document.querySelectorAll('a[href], area[href], [role=link]')) {
      let name = textOf(el);
      if (!name) name = norm([...el.querySelectorAll('img[alt]')].map(i => i.alt).join(' '));
      out.push({el, name});
      if (el.getAttribute('aria-label')) out.push({el, name: norm(el.getAttribute('aria-label'))});
    }
    return out;
  };

  // pick chooses the one candidate whose name is exactly text or, failing
  // that, the one whose name starts with text. Anything else is an error
  // message.
  const pick = (cands, text, what, how, usable) => {
    const want = norm(text);
    const uniq = list => [...new Map(list.map(c => [c.el, c])).values()];
    const live = cands.filter(c => usable(c.el));
    let chosen = uniq(live.filter(c => c.name === want));
    let mode = 'exactly';
    if (chosen.length === 0) {
      chosen = uniq(live.filter(c => c.name.startsWith(want)));
      mode = 'starting with';
    }
    if (chosen.length === 1) return chosen[0].el;
    if (chosen.length > 1) {
      return chosen.length + ' ' + what + 's are ' + how + ' ' + mode + ' ' + JSON.stringify(want) +
        ': ' + chosen.map(c => describe(c.el)).join('; ') + '. Use text that matches only one.';
    }
    const hidden = cands.filter(c => !usable(c.el) && (c.name === want || c.name.startsWith(want)));
    let msg = 'no visible ' + what + ' ' + how + ' ' + JSON.stringify(want) + ' on ' + location.href + '.';
    if (hidden.length) msg += ' A hidden one exists: ' + describe(hidden[0].el) + '.';
    const names = [...new Set(live.map(c => c.name).filter(Boolean))];
    msg += ' The page has ' + (names.length ? what + 's ' + how + ': ' + names.map(n => JSON.stringify(clip(n, 60))).join(', ') : 'no ' + what + 's') + '.';
    return msg;
  };

  const find = (kind, text) => {
    if (kind === 'button') return pick(buttons(), text, 'button', 'with text', rendered);
    if (kind === 'link') return pick(links(), text, 'link', 'with text', rendered);
    const k = kinds[kind];
    const all = labelled();
    const found = pick(all.filter(c => k.ok(c.el)), text, k.what, 'labelled', usableControl);
    if (typeof found === 'string') {
      // Explain a label that exists but belongs to another kind of control.
      const other = all.find(c => !k.ok(c.el) && c.name === norm(text));
      if (other) return 'the label ' + JSON.stringify(norm(text)) + ' belongs to ' + describe(other.el) +
        ', which is a ' + kinds[kindOf(other.el)].what + ', not a ' + k.what + '.';
    }
    return found;
  };

  // clickTarget scrolls el into view and returns the point a user would click,
  // or an error message when the element cannot be clicked there.
  const clickTarget = el => {
    const candidates = [el, ...[...(el.labels || [])]];
    let problem = '';
    for (const t of candidates) {
      if (!rendered(t)) { problem = problem || describe(t) + ' is not rendered'; continue; }
      t.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
      // A link that wraps over two lines has a bounding box whose centre can fall between its lines:
      // aim at the middle of its first line box instead, as a person would.
      const boxes = [...t.getClientRects()].filter(b => b.width >= 1 && b.height >= 1);
      const r = boxes.length > 0 ? boxes[0] : t.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) { problem = problem || describe(t) + ' has no size'; continue; }
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      const ok = hit && (hit === el || el.contains(hit) || candidates.some(c => c === hit || c.contains(hit)));
      if (ok) return {x, y};
      problem = problem || 'a click on ' + describe(t) + ' would land on ' + describe(hit) + ', which covers it';
    }
    return problem;
  };

  const expectsNavigation = el => {
    if (el.tagName === 'A' || el.tagName === 'AREA') {
      const href = el.getAttribute('href') || '';
      if (href === '' || href.startsWith('#') || /^javascript:/i.test(href) || el.hasAttribute('download')) return false;
      if (el.target && el.target !== '_self') return false;
      const u = new URL(el.href, location.href), here = new URL(location.href);
      if (u.hash && u.origin + u.pathname + u.search === here.origin + here.pathname + here.search) return false;
      return true;
    }
    const type = (el.getAttribute('type') || (el.tagName === 'BUTTON' ? 'submit' : '')).toLowerCase();
    const method = (el.getAttribute('formmethod') || (el.form && el.form.getAttribute('method')) || '').toLowerCase();
    if (!el.form || !(type === 'submit' || type === 'image') || method === 'dialog') return false;
    // The browser's own validation stops a submit with an invalid field.
    // (validity, unlike checkValidity(), fires no invalid events.)
    if (!el.form.noValidate && !el.formNoValidate &&
        [...el.form.elements].some(f => f.willValidate && !f.validity.valid)) return false;
    return true;
  };

  const api = {
    describe, find,
    focused: () => {
      const el = document.activeElement;
      return (!el || el === document.body) ? 'body' : describe(el);
    },
    prepareClick: (kind, text) => {
      const el = find(kind, text);
      if (typeof el === 'string') return {error: el};
      if (el.disabled || el.getAttribute('aria-disabled') === 'true') return {error: describe(el) + ' is disabled'};
      const p = clickTarget(el);
      if (typeof p === 'string') return {error: p};
      return {x: p.x, y: p.y, nav: expectsNavigation(el), desc: describe(el)};
    },
    prepareCheck: (text, want) => {
      const el = find('check', text);
      if (typeof el === 'string') return {error: el};
      const d = describe(el);
      if (el.disabled) return {error: d + ' is disabled'};
      if (el.checked === want) return {done: true, desc: d};
      if (!want && el.type === 'radio') return {error: d + ' is a radio button; choose another option instead of unchecking it'};
      const p = clickTarget(el);
      if (typeof p === 'string') return {error: p};
      return {x: p.x, y: p.y, desc: d};
    },
    isChecked: text => {
      const el = find('check', text);
      return typeof el === 'string' ? {error: el} : {checked: el.checked};
    },
    // prepareFill focuses the field and selects its text, so that typed text
    // replaces it. mode "type" means the Go side types the value; "set" means
    // the value was set here because the control takes no typing (date, range).
    prepareFill: (text, value) => {
      const el = find('field', text);
      if (typeof el === 'string') return {error: el};
      const d = describe(el);
      if (el.disabled) return {error: d + ' is disabled'};
      if (el.readOnly) return {error: d + ' is read-only'};
      el.scrollIntoView({block: 'center', behavior: 'instant'});
      el.focus();
      if (['date', 'datetime-local', 'month', 'week', 'time', 'color', 'range'].includes(el.type)) {
        el.value = value;
        el.dispatchEvent(new Event('input', {bubbles: true}));
        el.dispatchEvent(new Event('change', {bubbles: true}));
        return {mode: 'set', desc: d};
      }
      el.select();
      return {mode: 'type', desc: d, empty: el.value === ''};
    },
    fieldValue: text => {
      const el = find('field', text);
      return typeof el === 'string' ? {error: el} :
        {value: el.value, maxLength: el.maxLength, desc: describe(el)};
    },
    selectOption: (label, option) => {
      const el = find('select', label);
      if (typeof el === 'string') return {error: el};
      const d = describe(el);
      if (el.disabled) return {error: d + ' is disabled'};
      const opts = [...el.options].map(o => ({el: o, name: norm(o.label || o.text)}));
      const o = pick(opts, option, 'option', 'with text', () => true);
      if (typeof o === 'string') return {error: 'in ' + d + ': ' + o};
      if (o.disabled) return {error: 'option ' + JSON.stringify(o.text) + ' of ' + d + ' is disabled'};
      el.focus();
      if (el.multiple) o.selected = true; else el.value = o.value;
      el.dispatchEvent(new Event('input', {bubbles: true}));
      el.dispatchEvent(new Event('change', {bubbles: true}));
      return {desc: d};
    },
  };
  return api;
})()`

// jsCall builds an expression that calls helpersJS's function fn with args,
// encoded as JSON literals.
func jsCall(fn string, args ...any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			panic(fmt.Sprintf("browsertest: cannot encode %v for JavaScript: %v", a, err))
		}
		parts[i] = string(b)
	}
	return helpersJS + "." + fn + "(" + strings.Join(parts, ", ") + ")"
}
