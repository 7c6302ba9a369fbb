// The query page of `naravard serve`: library queries, parameters, results as a table.
// Results are untrusted text: every value is put into the page with textContent,
// never as HTML. The page talks to its own origin only.
"use strict";

const RESULT_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
const state = { queries: [], meta: { prefixes: {}, pages: {} }, pages: new Map(), last: null };
const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

function currentQuery() {
  return state.queries.find((q) => q.name === $("library").value) || null;
}

function showLibraryQuery() {
  const q = currentQuery();
  $("help").textContent = q ? q.answers : "Write any SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query.";
  const fields = $("param-fields");
  fields.replaceChildren();
  $("params").hidden = !q || q.params.length === 0;
  if (q) {
    $("editor").value = q.text;
    for (const p of q.params) {
      const row = el("div", null, "param");
      const label = el("label", p.name + (p.optional ? " (optional)" : ""));
      label.htmlFor = "param-" + p.name;
      const input = el("input");
      input.id = "param-" + p.name;
      input.name = p.name;
      input.placeholder = p.kind;
      input.required = !p.optional;
      row.append(label, input, el("small", p.description));
      fields.append(row);
    }
  }
  updateParamsNote();
}

function edited() {
  const q = currentQuery();
  return !q || $("editor").value !== q.text;
}

function updateParamsNote() {
  const q = currentQuery();
  $("params-note").textContent = q && edited() && q.params.length
    ? "The text was edited: it runs as plain SPARQL and the parameters are not applied."
    : "";
}

// The request that runs the current query: the library route with bound
// parameters while the text is the library's own, else POST /sparql.
function buildRequest() {
  const q = currentQuery();
  if (q && !edited()) {
    const params = new URLSearchParams();
    for (const input of $("param-fields").querySelectorAll("input")) {
      if (input.value.trim() !== "") params.set(input.name, input.value);
    }
    const query = params.toString();
    return { url: "/api/run/" + encodeURIComponent(q.name) + (query ? "?" + query : ""), init: { method: "GET" } };
  }
  return {
    url: "/sparql",
    init: { method: "POST", headers: { "Content-Type": "application/sparql-query" }, body: $("editor").value },
  };
}

async function send(request, accept) {
  const init = { ...request.init, headers: { ...(request.init.headers || {}), Accept: accept } };
  const response = await fetch(request.url, init);
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try { message = JSON.parse(text).error || text; } catch (e) { /* plain text */ }
    throw new Error(message);
  }
  return response;
}

async function run() {
  const button = $("run");
  button.disabled = true;
  document.body.dataset.state = "running";
  $("error").hidden = true;
  $("status").textContent = "Running…";
  const started = performance.now();
  const request = buildRequest();
  try {
    const response = await send(request, RESULT_ACCEPT);
    const text = await response.text();
    const type = (response.headers.get("content-type") || "").split(";")[0];
    const truncated = response.headers.get("x-result-truncated") === "true";
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    let summary;
    if (type === "application/sparql-results+json") {
      const data = JSON.parse(text);
      if ("boolean" in data) {
        renderBoolean(data.boolean);
        summary = "ASK: " + data.boolean;
      } else {
        renderTable(data);
        const n = data.results.bindings.length;
        summary = `${n} row${n === 1 ? "" : "s"}`;
      }
      state.last = { request, kind: "results", text };
    } else {
      renderGraph(text);
      summary = "graph (Turtle)";
      state.last = { request, kind: "graph", text };
    }
    if (truncated) summary += ` — truncated to the first ${state.meta.maxRows} results`;
    $("status").textContent = `${summary} in ${seconds} s`;
    $("download-csv").disabled = state.last.kind !== "results";
    $("download-json").disabled = false;
    document.body.dataset.state = "done";
  } catch (err) {
    $("status").textContent = "";
    $("error").textContent = err.message;
    $("error").hidden = false;
    document.body.dataset.state = "error";
  } finally {
    button.disabled = false;
  }
}

function shorten(iri) {
  let best = "", name = "";
  for (const [prefix, ns] of Object.entries(state.meta.prefixes)) {
    if (iri.startsWith(ns) && ns.length > best.length) { best = ns; name = prefix; }
  }
  return best ? `${name}:${iri.slice(best.length)}` : iri;
}

function termNode(term) {
  if (term.type === "uri") {
    const ns = state.meta.idNamespace || "";
    const local = ns && term.value.startsWith(ns) ? term.value.slice(ns.length) : null;
    if (local !== null && state.pages.has(local)) {
      const a = el("a", shorten(term.value));
      a.href = state.pages.get(local);
      a.title = term.value;
      return a;
    }
    const span = el("span", shorten(term.value), "iri");
    span.title = term.value;
    return span;
  }
  if (term.type === "bnode") return el("span", "_:" + term.value, "iri");
  if (term.type === "triple") {
    const span = el("span");
    const v = term.value;
    span.append("<< ", termNode(v.subject), " ", termNode(v.predicate), " ", termNode(v.object), " >>");
    return span;
  }
  const span = el("span", term.value);
  if (term["xml:lang"]) span.append(el("span", "@" + term["xml:lang"], "lang"));
  if (term.datatype) span.title = shorten(term.datatype);
  return span;
}

const NUMERIC = /#(integer|decimal|double|float|int|long|nonNegativeInteger)$/;

function renderTable(data) {
  const vars = data.head.vars || [];
  const table = el("table");
  const head = el("tr");
  for (const v of vars) head.append(el("th", v));
  table.append(el("thead"));
  table.tHead.append(head);
  const body = el("tbody");
  for (const binding of data.results.bindings) {
    const tr = el("tr");
    for (const v of vars) {
      const td = el("td");
      const term = binding[v];
      if (term) {
        td.append(termNode(term));
        if (term.datatype && NUMERIC.test(term.datatype)) td.className = "num";
      }
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(body);
  $("results").replaceChildren(table);
}

function renderBoolean(value) {
  $("results").replaceChildren(el("pre", String(value), "graph"));
}

function renderGraph(text) {
  $("results").replaceChildren(el("pre", text, "graph"));
}

async function download(kind) {
  if (!state.last) return;
  const graph = state.last.kind === "graph";
  const accept = kind === "csv" ? "text/csv" : graph ? "application/ld+json" : "application/sparql-results+json";
  try {
    const text = kind === "json" && !graph ? state.last.text : await (await send(state.last.request, accept)).text();
    const name = ($("library").value || "query") + (kind === "csv" ? ".csv" : graph ? ".jsonld" : ".json");
    const url = URL.createObjectURL(new Blob([text], { type: accept }));
    const a = el("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (err) {
    $("error").textContent = err.message;
    $("error").hidden = false;
  }
}

function onKey(event) {
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    event.preventDefault();
    run();
  }  // Tab is left to the browser, so the keyboard is never trapped in the editor
}

async function init() {
  $("run").addEventListener("click", run);
  $("library").addEventListener("change", showLibraryQuery);
  $("editor").addEventListener("input", updateParamsNote);
  $("download-csv").addEventListener("click", () => download("csv"));
  $("download-json").addEventListener("click", () => download("json"));
  document.addEventListener("keydown", onKey);
  try {
    [state.queries, state.meta] = await Promise.all([getJSON("/api/queries"), getJSON("/api/meta")]);
    state.pages = new Map(Object.entries(state.meta.pages));
    for (const q of state.queries) {
      const option = el("option", q.title || q.name);
      option.value = q.name;
      option.title = q.answers;
      $("library").append(option);
    }
    showLibraryQuery();
    document.body.dataset.ready = "true";
  } catch (err) {
    $("error").textContent = "Could not load the query library: " + err.message;
    $("error").hidden = false;
  }
}

document.addEventListener("DOMContentLoaded", init);
