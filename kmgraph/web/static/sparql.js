// The SPARQL editor page: runs the query against /sparql and renders JSON results as a table.
(function () {
  "use strict";
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const select = document.getElementById("example");
  const downloads = document.getElementById("downloads");
  const endpoint = form.getAttribute("action");
  const msg = form.dataset;  // the page's strings, in the page's language (data-msg-*)
  // Syntax highlighting from the vendored CodeMirror 5 (static/vendor); the plain textarea otherwise.
  const editor = window.CodeMirror ? window.CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query", lineNumbers: true, viewportMargin: Infinity,
    screenReaderLabel: "SPARQL query", extraKeys: { "Ctrl-Enter": () => run(), "Cmd-Enter": () => run() } }) : null;
  const getQuery = () => (editor ? editor.getValue() : textarea.value);
  const setQuery = (text) => (editor ? editor.setValue(text) : (textarea.value = text));

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = term.value; a.textContent = term.value; td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) { td.lang = term["xml:lang"]; td.title = "language: " + term["xml:lang"]; }
    }
    return td;
  }

  function render(data, truncated) {
    results.replaceChildren();
    if (typeof data.boolean === "boolean") {
      const p = document.createElement("p"); p.textContent = msg.msgAnswer + " " + data.boolean; results.appendChild(p); return;
    }
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const v of data.head.vars) { const th = document.createElement("th"); th.scope = "col"; th.textContent = v; head.appendChild(th); }
    const body = table.createTBody();
    for (const b of data.results.bindings) { const tr = body.insertRow(); for (const v of data.head.vars) tr.appendChild(cell(b[v])); }
    results.appendChild(table);
    status.textContent = data.results.bindings.length + " " + msg.msgRows + (truncated ? " " + msg.msgTruncated : "");
  }

  function showError(text) {
    results.replaceChildren();
    const div = document.createElement("div"); div.className = "error"; div.setAttribute("role", "alert");
    div.textContent = text; results.appendChild(div); status.textContent = "";
  }

  async function run(event) {
    if (event) event.preventDefault();
    status.textContent = msg.msgRunning;
    const query = getQuery();
    const url = endpoint + "?query=" + encodeURIComponent(query);
    document.getElementById("download-csv").href = url + "&format=csv";
    document.getElementById("download-json").href = url + "&format=json";
    try {
      const response = await fetch(endpoint, { method: "POST", body: new URLSearchParams({ query }),
        headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.5" } });
      const type = response.headers.get("content-type") || "";
      if (!response.ok) {
        const problem = type.includes("json") ? await response.json() : { detail: await response.text() };
        showError((problem.title ? problem.title + ": " : "") + (problem.detail || response.statusText)); return;
      }
      downloads.hidden = false;
      if (type.includes("sparql-results+json")) render(await response.json(), response.headers.get("x-kmgraph-truncated") === "true");
      else { const pre = document.createElement("pre"); pre.textContent = await response.text(); results.replaceChildren(pre); status.textContent = ""; }
    } catch (err) { showError(msg.msgFailed + " " + err); }
  }

  async function loadExamples() {
    try {
      const response = await fetch(select.dataset.queriesUrl, { headers: { "Accept": "application/json" } });
      const list = await response.json();
      for (const q of list) { const o = document.createElement("option"); o.value = q.name; o.textContent = q.title; o.dataset.text = q.example; select.appendChild(o); }
    } catch (err) { /* examples are optional */ }
  }
  select.addEventListener("change", () => { const o = select.selectedOptions[0]; if (o && o.dataset.text) setQuery(o.dataset.text); });
  form.addEventListener("submit", run);
  loadExamples();
})();
