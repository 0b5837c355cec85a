// The portal's script: GOV.UK Frontend's components and a few enhancements. Every page works without it.
//
// Loaded as <script type="module" src="/assets/app.js?v=...">, so it runs only in browsers that GOV.UK
// Frontend supports, after the page has been parsed. The Content-Security-Policy allows no inline
// script or style: everything here works through classes and attributes.

import { initAll } from './govuk-frontend.min.js'

const body = document.body

// GOV.UK Frontend's components initialise only inside <body class="govuk-frontend-supported">, and its
// CSS hides what JavaScript will reveal under .js-enabled. GOV.UK's template sets both with an inline
// script, which our Content-Security-Policy forbids; a module script only runs where they hold.
body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()
focusRequestedElement()
openDetailsWhenPrinting()
printButtons()
conditionalQuestions(document)
requiredMarks(document)
rowsInPlace()
addressFinders()
idleTimeoutWarning()
uploadWhenChosen()

// --- Focus after "Add another" -------------------------------------------------------------------------

// After "Add another", the server draws the page again with data-autofocus on the new row (or on an
// input). Focus goes to that element if it can take focus, or else to the first input inside it, so the
// person carries on typing where they were. An error summary keeps the focus GOV.UK Frontend gave it.
function focusRequestedElement () {
  const target = document.querySelector('[data-autofocus]')
  if (!target || document.querySelector('.govuk-error-summary')) {
    return
  }
  const focusable = target.matches('input, select, textarea, button, [tabindex]')
    ? target
    : target.querySelector('input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])')
  if (focusable) {
    focusable.focus()
  }
}

// --- Questions that apply only after some answer ----------------------------------------------------------

// A question shown only when a condition on the same page holds carries the condition in data-show-when
// (those following one choice of radios or checkboxes are GOV.UK Frontend's conditional reveal instead).
// Each is hidden while its condition does not hold, worked out as the server does: a question hidden
// counts as unanswered in the conditions of others. The server still decides what applies.
function conditionalQuestions (scope) {
  const blocks = Array.from(scope.querySelectorAll('[data-show-when]')).map((el) => {
    try {
      return { el, condition: JSON.parse(el.dataset.showWhen) }
    } catch (err) {
      return null // shown, with its note, as without the script
    }
  }).filter(Boolean)
  if (blocks.length === 0) {
    return
  }
  const root = scope === document ? document.getElementById('app-form') || document : scope
  const update = () => {
    // Hiding one question can change the conditions of others: settle, at most once per question.
    for (let pass = 0; pass <= blocks.length; pass++) {
      let changed = false
      for (const b of blocks) {
        const show = holds(root, b.condition, 0)
        if (b.el.hidden === show) {
          b.el.hidden = !show
          changed = true
        }
      }
      if (!changed) {
        return
      }
    }
  }
  root.addEventListener('input', update)
  root.addEventListener('change', update)
  update()
}

// A question required only when a condition holds (requiredWhen) carries the condition in
// data-required-when on its *, when the condition looks only at this page's answers: the * shows while it
// holds, as the server draws it. The server still decides what is required when the page is saved.
function requiredMarks (scope) {
  const marks = Array.from(scope.querySelectorAll('[data-required-when]')).map((el) => {
    try {
      return { el, condition: JSON.parse(el.dataset.requiredWhen) }
    } catch (err) {
      return null // the server's mark stands
    }
  }).filter(Boolean)
  if (marks.length === 0) {
    return
  }
  const root = scope === document ? document.getElementById('app-form') || document : scope
  const update = () => {
    for (const m of marks) {
      m.el.hidden = !holds(root, m.condition, 0)
    }
  }
  root.addEventListener('input', update)
  root.addEventListener('change', update)
  update()
}

function holds (root, c, depth) {
  if (depth > 20) {
    return false
  }
  if (c.all) {
    return c.all.every((s) => holds(root, s, depth + 1))
  }
  if (c.any) {
    return c.any.some((s) => holds(root, s, depth + 1))
  }
  if (c.not) {
    return !holds(root, c.not, depth + 1)
  }
  const values = answerOf(root, c.name, c.type)
  const answered = values.length > 0
  if (c.answered !== undefined) {
    return answered === c.answered
  }
  if (!answered) {
    return false
  }
  const same = (want) => values.some((v) => sameValue(c.type, v, want))
  if (c.equals !== undefined) {
    return same(c.equals)
  }
  if (c.notEquals !== undefined) {
    return !same(c.notEquals)
  }
  if (c.in !== undefined) {
    return c.in.some(same)
  }
  if (c.contains !== undefined) {
    return values.includes(c.contains)
  }
  const n = toNumber(values[0])
  if (c.greaterThan !== undefined) {
    return n !== null && n > c.greaterThan
  }
  if (c.lessThan !== undefined) {
    return n !== null && n < c.lessThan
  }
  return false
}

// answerOf is a question's answer as a list of trimmed, non-empty values: empty when it is unanswered or
// hidden itself.
function answerOf (root, name, type) {
  const inputs = (n) => Array.from(root.querySelectorAll('[name="' + CSS.escape(n) + '"]'))
    .filter((el) => !el.closest('[data-show-when][hidden], .govuk-radios__conditional--hidden, .govuk-checkboxes__conditional--hidden'))
  if (type === 'date') {
    const [d, m, y] = ['day', 'month', 'year'].map((part) => {
      const el = inputs(name + '.' + part)[0]
      return el ? el.value.trim() : ''
    })
    if (!d && !m && !y) {
      return []
    }
    return [y.padStart(4, '0') + '-' + m.padStart(2, '0') + '-' + d.padStart(2, '0')]
  }
  return inputs(name)
    .filter((el) => (el.type !== 'radio' && el.type !== 'checkbox') || el.checked)
    .map((el) => el.value.trim())
    .filter((v) => v !== '')
}

function sameValue (type, value, want) {
  if (type === 'number') {
    return toNumber(value) === want
  }
  if (type === 'yesno') {
    return value.toLowerCase() === want
  }
  return value === want
}

function toNumber (s) {
  const cleaned = String(s).replace(/,/g, '').trim()
  if (cleaned === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) {
    return null
  }
  return Number(cleaned)
}

// --- Rows changed in place ----------------------------------------------------------------------------------

// Without the script, Change and "Add a row" save the page and open the row's own page. With it, the row
// page's form is fetched (part=row) and drawn in place of the row; saving posts it with the page's CSRF
// token in the X-CSRF-Token header, and the server answers with the table's rows drawn again (or the
// row's form again, with its problems). Focus goes to the row saved, and the table's live region says
// what happened. If anything goes wrong the row's own page takes over, as without the script.
function rowsInPlace () {
  const form = document.getElementById('app-form')
  if (!(form instanceof HTMLFormElement) || typeof window.fetch !== 'function') {
    return
  }
  let open = null // the row being changed: { table, editor, holder, hidden, opener, rowForm }

  form.addEventListener('click', (event) => {
    const button = event.target.closest('button[name="action"]')
    const rows = button && button.closest('[data-row-table]')
    if (!rows || !rows.dataset.rowEdit || !form.contains(button) || button.closest('[data-row-editor]')) {
      return
    }
    const href = rowHref(rows.dataset.rowEdit, button.value)
    if (!href) {
      return
    }
    event.preventDefault()
    openRow(button, href)
  })

  async function openRow (button, href) {
    const table = button.closest('[data-app-table]')
    if (!table) {
      return
    }
    if (open) {
      close(false)
    }
    let html
    try {
      const response = await window.fetch(href + '&part=row', { credentials: 'same-origin', cache: 'no-store' })
      if (!response.ok) {
        throw new Error('status ' + response.status)
      }
      html = await response.text()
    } catch (err) {
      HTMLFormElement.prototype.requestSubmit.call(form, button)
      return
    }
    const editor = parse(html)
    if (!editor) {
      HTMLFormElement.prototype.requestSubmit.call(form, button)
      return
    }
    const row = button.closest('tr, .app-table__row')
    let holder
    if (row && row.tagName === 'TR') {
      holder = element('tr', { class: 'govuk-table__row app-row-editor__row' })
      const cell = element('td', { class: 'govuk-table__cell app-row-editor__cell', colspan: String(row.children.length) })
      holder.append(cell)
      row.after(holder)
    } else if (row) {
      holder = element('div', { class: 'app-row-editor__item' })
      row.after(holder)
    } else {
      holder = element('div', { class: 'app-row-editor__item' })
      button.closest('[data-row-add]').before(holder)
    }
    if (row) {
      row.hidden = true
    }
    // The row's controls belong to a form of their own, before the page's form, so that the page's
    // buttons never post them and the row's form (for a post without the script) has its CSRF token first.
    const rowForm = element('form', { method: 'post', enctype: 'multipart/form-data', novalidate: '', hidden: '', id: 'app-row-form' })
    const token = document.querySelector('meta[name="csrf-token"]')
    addHidden(rowForm, 'csrf_token', token ? token.content : '')
    form.before(rowForm)
    open = { table, holder, hidden: row, opener: button, rowForm }
    show(editor)
    say(table, '')
  }

  // show puts a row's form (just fetched) in the holder and wires it up.
  function show (editor) {
    const target = open.holder.querySelector('td') || open.holder
    target.replaceChildren(editor)
    open.editor = editor
    // setAttribute: the row's button named "action" hides the form's action property.
    open.rowForm.setAttribute('action', editor.dataset.action)
    for (const control of editor.querySelectorAll('input, select, textarea, button')) {
      control.setAttribute('form', open.rowForm.id)
    }
    initAll({ scope: editor })
    conditionalQuestions(editor)
    editor.querySelector('[data-row-save]').addEventListener('click', (event) => {
      event.preventDefault()
      save()
    })
    editor.querySelector('[data-row-cancel]').addEventListener('click', (event) => {
      event.preventDefault()
      close(true)
    })
    const summary = editor.querySelector('.govuk-error-summary')
    const first = editor.querySelector('input:not([type="hidden"]), select, textarea')
    ;(summary || first || editor).focus()
  }

  document.addEventListener('submit', (event) => {
    if (open && event.target === open.rowForm) {
      event.preventDefault() // Enter in one of the row's inputs
      save()
    }
  })

  async function save () {
    const { table, rowForm } = open
    const data = new FormData(rowForm)
    data.set('action', 'save-row')
    const token = document.querySelector('meta[name="csrf-token"]')
    let response, html
    try {
      response = await window.fetch(rowForm.getAttribute('action') + '&part=row', {
        method: 'POST',
        body: data,
        credentials: 'same-origin',
        headers: { 'X-CSRF-Token': token ? token.content : '' }
      })
      html = await response.text()
    } catch (err) {
      response = null
    }
    if (response && response.ok) {
      const rows = parse(html, '[data-row-table]')
      if (rows) {
        close(false)
        table.querySelector('[data-row-table]').replaceWith(rows)
        showSectionStatus(rows.querySelector('[data-section-status]'))
        const saved = rows.querySelector('[data-autofocus]')
        if (saved) {
          saved.focus()
        }
        say(table, rows.dataset.announce || '')
        return
      }
    }
    if (response && (response.status === 422 || response.status === 409)) {
      const editor = parse(html)
      if (editor) {
        show(editor)
        return
      }
    }
    // Signed out, a server problem or no network: post the row as a page does without the script.
    HTMLFormElement.prototype.requestSubmit.call(rowForm)
  }

  // close takes the row's form away, showing the row again; cancelled, focus returns to its button.
  // Cancelled after Find address saved the row, the table's rows are drawn again with the row as saved.
  function close (cancelled) {
    const { table, holder, hidden, opener, rowForm, editor } = open
    holder.remove()
    rowForm.remove()
    if (hidden) {
      hidden.hidden = false
    }
    open = null
    if (cancelled && editor && editor.dataset.searched) {
      refresh(table, opener, editor.dataset.saved || '')
    } else if (cancelled) {
      opener.focus()
      const status = table.querySelector('[data-row-status]')
      say(table, status ? status.dataset.unchanged : '') // "Nothing was changed", in the page's language
    }
  }

  // refresh draws the table's rows again from its page, as stored, with focus on the button that
  // opened the row and words for the live region. If the page does not come, the rows stay as drawn
  // (loading the page instead would lose the page's answers not yet saved).
  async function refresh (table, opener, words) {
    const rows = table.querySelector('[data-row-table]')
    const url = new URL(form.getAttribute('action'), window.location.href)
    const shown = rows.querySelector(':scope > input[type="hidden"]') // the page of rows shown
    if (shown) {
      url.searchParams.set(shown.name, shown.value)
    }
    let page = null
    try {
      const response = await window.fetch(url, { credentials: 'same-origin', cache: 'no-store' })
      if (response.ok) {
        page = new window.DOMParser().parseFromString(await response.text(), 'text/html')
      }
    } catch (err) {
      page = null
    }
    const fresh = page && page.getElementById(rows.id)
    if (fresh) {
      rows.replaceWith(fresh)
      showSectionStatus(page.querySelector(currentStatus))
    }
    const again = table.querySelector('button[name="action"][value="' + CSS.escape(opener.value) + '"]')
    ;(again || table).focus()
    say(table, words)
  }

  // currentStatus finds the status of the page shown in the section list.
  const currentStatus = '.app-section-nav__item--current .app-section-nav__status'

  // showSectionStatus puts status, the page's status after a change in place (the rows'
  // data-section-status, or the page's drawn afresh), in the section list.
  function showSectionStatus (status) {
    const shown = document.querySelector(currentStatus)
    if (status && shown) {
      status.removeAttribute('data-section-status')
      status.hidden = false
      shown.replaceWith(status)
    }
  }

  function say (table, text) {
    const status = table.querySelector('[data-row-status]')
    if (!status) {
      return
    }
    status.textContent = ''
    if (text) {
      // A moment later, so that the same words twice are still announced.
      window.setTimeout(() => { status.textContent = text }, 100)
    }
  }
}

// rowHref is the address of the row page a table's button opens, from the table's row pages' address
// (data-row-edit, ending "row=") and the button's action: Change's "edit:field:3" opens row 3, "Add"'s
// "add:field" a new row; any other button ("remove:...", "rows:...") opens none.
function rowHref (base, action) {
  const [verb, , index] = action.split(':')
  if (verb === 'edit' && /^\d+$/.test(index || '')) {
    return base + index
  }
  return verb === 'add' ? base + 'new' : ''
}

// parse reads an HTML fragment from the server and returns its element matching selector.
function parse (html, selector = '[data-row-editor]') {
  const template = document.createElement('template')
  template.innerHTML = html
  return template.content.querySelector(selector)
}

// --- Find address -----------------------------------------------------------------------------------------

// Without the script, Find address saves the page and the server draws it again with the addresses
// found at the postcode; Use this address posts the one chosen. With it, the same post goes by fetch and
// only the question's postcode and results are taken from the page that comes back (with the draft
// version and page hash later saves are checked against); Use this address fills the lines from the
// option chosen without a post. The address's lines are hidden until wanted (Enter the address manually,
// an address used, no address found), unless something is typed in them. The live region says what
// happened. If anything goes wrong the page is posted as without the script.
function addressFinders () {
  const form = document.getElementById('app-form')
  if (!(form instanceof HTMLFormElement) || typeof window.fetch !== 'function' || typeof window.DOMParser !== 'function') {
    return
  }
  for (const finder of form.querySelectorAll('[data-address-finder]')) {
    const manual = manualOf(finder)
    // Not when the question has a problem: the error summary links to its first line.
    if (manual && !Array.from(manual.querySelectorAll('input')).some((el) => el.value.trim() !== '') && !finder.closest('.govuk-form-group--error')) {
      manual.hidden = true
    }
    finder.querySelector('[data-address-manual-link]').addEventListener('click', (event) => {
      event.preventDefault()
      showManual(finder)
    })
  }
  form.addEventListener('click', (event) => {
    const find = event.target.closest('[data-address-find]')
    const use = event.target.closest('[data-address-use]')
    if (find && form.contains(find)) {
      event.preventDefault()
      search(find)
    } else if (use && form.contains(use)) {
      event.preventDefault()
      useChosen(use)
    }
  })
  // Enter in the postcode finds, as the button beside it does.
  form.addEventListener('keydown', (event) => {
    const finder = event.target.closest('[data-address-finder]')
    if (event.key === 'Enter' && finder && event.target.matches('input[type="text"]')) {
      event.preventDefault()
      search(finder.querySelector('[data-address-find]'))
    }
  })

  let searching = false

  async function search (button) {
    if (searching) {
      return
    }
    searching = true
    const finder = button.closest('[data-address-finder]')
    // The page's form, or the form of a row changed in place, whose inputs are tied to it by their form
    // attribute (rowsInPlace).
    const owner = button.form || form
    say(finder, finder.dataset.searching)
    const data = new FormData(owner)
    for (const [name, value] of Array.from(data.entries())) {
      if (value instanceof File) {
        data.delete(name) // a file chosen goes up with its own button, not twice
      }
    }
    data.set('action', button.value)
    let response = null
    let html = ''
    try {
      response = await window.fetch(button.formAction.split('#')[0], { method: 'POST', body: data, credentials: 'same-origin', cache: 'no-store' })
      html = await response.text()
    } catch (err) {
      response = null
    }
    searching = false
    const doc = response && (response.ok || response.status === 422) ? new window.DOMParser().parseFromString(html, 'text/html') : null
    const fresh = doc && doc.getElementById(finder.id)
    if (!fresh) {
      HTMLFormElement.prototype.requestSubmit.call(owner, button)
      return
    }
    // The search saved the page (or the row, which a new row now is at its own address): later saves
    // go where it is, and are checked against what it saved.
    const freshForm = doc.getElementById('app-form')
    for (const name of ['draft-version', 'page-hash', 'row-hash']) {
      const mine = owner.elements.namedItem(name)
      const theirs = freshForm && freshForm.querySelector('input[type="hidden"][name="' + name + '"]')
      if (mine instanceof HTMLInputElement && theirs) {
        mine.value = theirs.value
      }
    }
    const editor = doc.querySelector('[data-row-editor]')
    if (editor) {
      owner.setAttribute('action', editor.dataset.action)
      const mine = finder.closest('[data-row-editor]')
      if (mine) {
        mine.dataset.action = editor.dataset.action
        // The row is stored now: closing it without saving draws the table's rows again (rowsInPlace).
        mine.dataset.searched = 'true'
        mine.dataset.saved = editor.dataset.saved || ''
      }
    }
    const group = finder.querySelector('.govuk-form-group')
    const freshGroup = fresh.querySelector('.govuk-form-group')
    group.replaceWith(freshGroup)
    const results = fresh.querySelector('[data-address-results]')
    finder.querySelector('[data-address-results]').replaceWith(results)
    initAll({ scope: freshGroup })
    initAll({ scope: results })
    const select = results.querySelector('[data-address-select]')
    if (select) {
      select.focus()
    } else if (freshGroup.classList.contains('govuk-form-group--error')) {
      freshGroup.querySelector('input').focus()
    } else {
      showManual(finder, false)
    }
    say(finder, results.dataset.announce || '')
  }

  function useChosen (button) {
    const finder = button.closest('[data-address-finder]')
    const select = finder.querySelector('[data-address-select]')
    if (!select || select.value === '') {
      HTMLFormElement.prototype.requestSubmit.call(button.form || form, button) // the server says to choose one
      return
    }
    const chosen = new URLSearchParams(select.value)
    const base = select.name.slice(0, -'.found'.length)
    for (const part of ['line1', 'line2', 'town', 'county', 'postcode']) {
      const input = finder.parentElement.querySelector('input[name="' + CSS.escape(base + '.' + part) + '"]')
      if (input) {
        input.value = chosen.get(part) || ''
      }
    }
    const question = finder.closest('.govuk-fieldset')
    const kind = question && question.querySelector('input[type="radio"][name="' + CSS.escape(base + '.kind') + '"][value="address"]')
    if (kind && !kind.checked) {
      kind.click()
    }
    finder.querySelector('[data-address-results]').replaceChildren()
    showManual(finder)
    say(finder, finder.dataset.filled)
  }

  function manualOf (finder) {
    return document.getElementById(finder.id.replace(/-finder$/, '-manual'))
  }

  // showManual shows the address's lines, and by default moves focus to the first.
  function showManual (finder, focus = true) {
    const manual = manualOf(finder)
    if (!manual) {
      return
    }
    manual.hidden = false
    const first = manual.querySelector('input')
    if (focus && first) {
      first.focus()
    }
  }

  function say (finder, words) {
    const status = finder.querySelector('[data-address-status]')
    status.textContent = ''
    if (words) {
      // A moment later, so that the same words twice are still announced.
      window.setTimeout(() => { status.textContent = words }, 100)
    }
  }
}

// --- Printing ---------------------------------------------------------------------------------------------

// Closed <details> would print closed: open them for printing and close them again afterwards.
function openDetailsWhenPrinting () {
  let opened = []
  window.addEventListener('beforeprint', () => {
    opened = Array.from(document.querySelectorAll('details:not([open]):not(.app-user-menu)'))
    opened.forEach((d) => { d.open = true })
  })
  window.addEventListener('afterprint', () => {
    opened.forEach((d) => { d.open = false })
    opened = []
  })
}

// The print view's "Print this page" button is hidden until this script can make it print.
function printButtons () {
  document.querySelectorAll('.app-print-button').forEach((button) => {
    button.hidden = false
    button.addEventListener('click', () => window.print())
  })
}

// --- Idle timeout warning ---------------------------------------------------------------------------------

// The server signs a person out after data-idle-timeout-seconds without a request. Typing and clicking
// are not requests, so they do not count; saving, moving between pages and "Stay signed in" do. This
// warns data-idle-warning-seconds before the end with a modal dialog. When the time runs out on a form
// page (<form id="app-form">) the form is saved first, so nothing typed is lost; elsewhere the page signs
// out by posting the sign-out form, with its CSRF token, to data-signout-url (a GET there changes nothing).
function idleTimeoutWarning () {
  const timeout = Number.parseInt(body.dataset.idleTimeoutSeconds, 10)
  const warning = Number.parseInt(body.dataset.idleWarningSeconds, 10)
  const keepaliveURL = body.dataset.keepaliveUrl
  const signoutURL = body.dataset.signoutUrl
  if (!(timeout > 0) || !signoutURL) {
    return
  }

  // The server records a session's last use at most every 15 seconds, so its timer may have started
  // up to 15 seconds before this page was asked for: act early enough to be sure it is still running.
  const margin = 20 * 1000
  const lifetime = Math.max(timeout * 1000 - margin, 1000)
  const warnFor = Math.min(warning > 0 ? warning * 1000 : 2 * 60 * 1000, lifetime)

  // Tabs share when the session was last used, so that working in one tab keeps the others from
  // timing out (and signing the person out of the tab they are using).
  const sharedKey = 'app-idle-started'
  // Set when this tab saved a form because time ran out; any activity clears it. If time runs out again
  // with it still set, nobody has been here since: sign out rather than save again and again.
  const autosavedKey = 'app-idle-autosaved'

  // The page was requested when navigation started, which is at or before the server saw the request.
  let started = Math.round(performance.timeOrigin || Date.now())
  const shared = readNumber('localStorage', sharedKey)
  if (shared > started) {
    started = shared
  } else {
    write('localStorage', sharedKey, String(started))
  }

  let dialog = null
  let lastAnnounced = ''
  let returnFocusTo = null
  let finished = false
  let asking = false

  const ticker = window.setInterval(tick, 1000)
  document.addEventListener('visibilitychange', tick)
  window.addEventListener('pageshow', tick)
  window.addEventListener('storage', (event) => {
    if (event.key === sharedKey) {
      const other = Number.parseInt(event.newValue, 10)
      if (other > started) {
        restart(other, false)
      }
    }
  })
  for (const type of ['keydown', 'pointerdown', 'input']) {
    document.addEventListener(type, () => remove('sessionStorage', autosavedKey), { capture: true, passive: true })
  }
  tick()

  function remaining () {
    return started + lifetime - Date.now()
  }

  function tick () {
    if (finished) {
      return
    }
    const left = remaining()
    if (left <= 0) {
      expire(left)
    } else if (left <= warnFor) {
      showWarning(left)
    } else if (dialog && dialog.open) {
      hideWarning()
    }
  }

  function restart (at, share) {
    started = at
    if (share) {
      write('localStorage', sharedKey, String(at))
    }
    hideWarning()
    tick()
  }

  // Time has run out: save the form on this page, or sign out.
  function expire (left) {
    finished = true
    window.clearInterval(ticker)
    if (left < -margin / 2) {
      // A timer that fires long after the end (a computer that was asleep) finds the session gone
      // already: saving or signing out would fail, so go straight to the signed-out page.
      window.location.assign(signoutURL)
      return
    }
    const form = document.getElementById('app-form')
    if (form instanceof HTMLFormElement && read('sessionStorage', autosavedKey) === '') {
      write('sessionStorage', autosavedKey, '1')
      addHidden(form, 'action', 'save')
      addHidden(form, 'idle_timeout', '1')
      // HTMLFormElement.prototype.submit: a control named "submit" would hide form.submit. It sends no
      // submit button's value, so "action" is the hidden "save".
      HTMLFormElement.prototype.submit.call(form)
      return
    }
    signOut(signoutURL)
  }

  // Signing out changes the session, so it is a POST with the page's CSRF token, like every change.
  function signOut (url) {
    finished = true
    window.clearInterval(ticker)
    const token = document.querySelector('meta[name="csrf-token"]')
    const form = element('form', { method: 'post', action: url, hidden: '' })
    addHidden(form, 'csrf_token', token ? token.content : '')
    body.append(form)
    HTMLFormElement.prototype.submit.call(form)
  }

  function showWarning (left) {
    if (!dialog) {
      dialog = buildDialog()
    }
    if (!dialog.open) {
      returnFocusTo = document.activeElement
      lastAnnounced = ''
      if (typeof dialog.showModal === 'function') {
        dialog.showModal()
      } else {
        dialog.setAttribute('open', '')
      }
      update(left)
      dialog.focus()
      return
    }
    update(left)
  }

  function hideWarning () {
    if (!dialog || !dialog.open) {
      return
    }
    if (typeof dialog.close === 'function') {
      dialog.close()
    } else {
      dialog.removeAttribute('open')
    }
    if (returnFocusTo && typeof returnFocusTo.focus === 'function' && document.contains(returnFocusTo)) {
      returnFocusTo.focus()
    }
    returnFocusTo = null
  }

  // The visible countdown changes every second; screen readers hear it only when the minute changes
  // (and when the dialog opens, as its description).
  function update (left) {
    const seconds = Math.max(Math.ceil(left / 1000), 0)
    dialog.querySelector('.app-timeout-dialog__countdown').textContent = visibleTime(seconds)
    const spoken = text('TimeoutBefore', 'For your security, we will sign you out in ') + spokenTime(seconds) + text('TimeoutAfter', '.')
    if (spoken !== lastAnnounced) {
      lastAnnounced = spoken
      dialog.querySelector('#app-timeout-dialog-live').textContent = spoken
    }
  }

  async function staySignedIn () {
    if (asking) {
      return
    }
    asking = true
    const sentAt = Date.now()
    const status = dialog.querySelector('#app-timeout-dialog-status')
    status.textContent = ''
    status.hidden = true
    try {
      const token = document.querySelector('meta[name="csrf-token"]')
      const response = await window.fetch(keepaliveURL, {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { 'X-CSRF-Token': token ? token.content : '' }
      })
      if (response.ok) {
        restart(sentAt, true)
        return
      }
      if (response.status === 401 || response.status === 403) {
        // Signed out already (or the session was replaced): say so on the signed-out page.
        finished = true
        window.location.assign(signoutURL)
        return
      }
    } catch (err) {
      // A network problem: the warning stays up, and the person can try again.
    } finally {
      asking = false
    }
    status.hidden = false
    status.textContent = text('TimeoutError', 'Sorry, there is a problem reaching the service. Try again.')
  }

  function buildDialog () {
    const hasForm = document.getElementById('app-form') instanceof HTMLFormElement
    const d = element('dialog', {
      class: 'app-timeout-dialog',
      id: 'app-timeout-dialog',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'app-timeout-dialog-heading',
      'aria-describedby': 'app-timeout-dialog-live' + (hasForm ? ' app-timeout-dialog-save' : ''),
      tabindex: '-1'
    })
    d.append(
      element('h2', { class: 'app-timeout-dialog__heading', id: 'app-timeout-dialog-heading' }, text('TimeoutHeading', 'You’re about to be signed out')),
      element('p', { class: 'govuk-body', 'aria-hidden': 'true' },
        text('TimeoutBefore', 'For your security, we will sign you out in '),
        element('span', { class: 'app-timeout-dialog__countdown' }),
        text('TimeoutAfter', '.')),
      element('p', { class: 'govuk-visually-hidden', id: 'app-timeout-dialog-live', 'aria-live': 'polite', 'aria-atomic': 'true' })
    )
    if (hasForm) {
      d.append(element('p', { class: 'govuk-body', id: 'app-timeout-dialog-save' }, text('TimeoutSave', 'We will save your answers first.')))
    }
    const stay = element('button', { type: 'button', class: 'govuk-button app-timeout-dialog__stay' }, text('TimeoutStay', 'Stay signed in'))
    // Without the script's help the link leads to the sign-out page and its button.
    const signOutPath = new URL(signoutURL, window.location.href).pathname
    const signOutLink = element('a', { class: 'govuk-link app-timeout-dialog__sign-out', href: signOutPath }, text('TimeoutSignOut', 'Sign out'))
    d.append(
      element('p', { class: 'govuk-error-message', id: 'app-timeout-dialog-status', role: 'status', hidden: '' }),
      element('div', { class: 'govuk-button-group app-timeout-dialog__actions' }, stay, signOutLink)
    )
    stay.addEventListener('click', staySignedIn)
    signOutLink.addEventListener('click', (event) => {
      event.preventDefault()
      signOut(signOutPath)
    })
    // Escape would close the dialog and leave the timer running unseen: treat it as "Stay signed in".
    d.addEventListener('cancel', (event) => {
      event.preventDefault()
      staySignedIn()
    })
    body.append(d)
    return d
  }
}

// "2 minutes", or "45 seconds" in the last minute.
function visibleTime (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return minutes + (minutes === 1 ? text('Minute', ' minute') : text('Minutes', ' minutes'))
  }
  return seconds + (seconds === 1 ? text('Second', ' second') : text('Seconds', ' seconds'))
}

// Whole minutes only, so that a screen reader is not interrupted every second.
function spokenTime (seconds) {
  const minutes = Math.max(Math.ceil(seconds / 60), 1)
  return minutes + (minutes === 1 ? text('Minute', ' minute') : text('Minutes', ' minutes'))
}

// text is one of the texts the page gives in its own language, as data-i18n-* attributes of <body>
// (the way GOV.UK Frontend's components take theirs); English when the page gives none.
function text (name, english) {
  const given = document.body.dataset['i18n' + name]
  return given === undefined ? english : given
}

function element (name, attributes, ...children) {
  const el = document.createElement(name)
  for (const [key, value] of Object.entries(attributes)) {
    el.setAttribute(key, value)
  }
  el.append(...children)
  return el
}

function addHidden (form, name, value) {
  const input = document.createElement('input')
  input.type = 'hidden'
  input.name = name
  input.value = value
  form.append(input)
}

// Storage can be switched off, refused (even reading window.localStorage can throw) or full: the
// warning still works in this tab without it.
function read (storage, key) {
  try {
    return window[storage].getItem(key) || ''
  } catch (err) {
    return ''
  }
}

function readNumber (storage, key) {
  const n = Number.parseInt(read(storage, key), 10)
  return Number.isFinite(n) ? n : 0
}

function write (storage, key, value) {
  try {
    window[storage].setItem(key, value)
  } catch (err) {
    // Not shared then.
  }
}

function remove (storage, key) {
  try {
    window[storage].removeItem(key)
  } catch (err) {
    // Nothing to clear.
  }
}

// --- Upload when a file is chosen --------------------------------------------------------------------

// Choosing a file uploads it at once, as the seed describes ("you will see the document listed, and a
// remove button beside it"): the change presses the field's own Upload file button, which stays for
// pages without JavaScript.
function uploadWhenChosen () {
  for (const input of document.querySelectorAll('input[type="file"][data-upload-button]')) {
    input.addEventListener('change', () => {
      const button = document.getElementById(input.dataset.uploadButton)
      if (input.files.length > 0 && button instanceof HTMLButtonElement) {
        button.click()
      }
    })
  }
}
