// The English switch of the network pages: Swedish by default; English when the address says
// #…&lang=en or the reader chose it before (localStorage). Runs before network.js: in English it puts
// the model's English labels (labelEn, sideLabelEn, gapKindEn, kindEn, figureLabelsEn) into the
// page's data block, and it translates every element marked data-i18n (its text) or
// data-i18n-label (its aria-label), shows data-en (the title and subtitle in English, from the build)
// and, of two blocks marked data-lang="sv" and data-lang="en", the English one.
// The other scripts translate their strings with naravardLang.t.
"use strict";
(function () {
  // The one dictionary of interface strings: Swedish (as written in the page and the scripts) → English.
  const EN = {
    "Sök aktör på alla sidor (namn eller akronym)": "Search actors on all pages (name or acronym)",
    "Sök": "Search",
    "t.ex. SVOM": "e.g. SVOM",
    "Träffar": "Hits",
    "Hoppa till detaljer": "Skip to details",
    "Hoppa till listorna": "Skip to the lists",
    "Samverkansbrister": "Collaboration gaps",
    "visa brister ur källorna": "show gaps stated in the sources",
    "visa beräknade förslag": "show computed suggestions",
    "Klasser": "Classes",
    "Strukturtyper": "Structure types",
    "Relationer": "Relations",
    "Antal: ": "Count: ",
    "Spara bilden (PNG)": "Save the picture (PNG)",
    // diagram.js (region pages) and the view buttons
    "Visa allt": "Show all",
    "Återställ": "Reset",
    "Vy": "View",
    "Diagram": "Chart",
    "Fritt nätverk": "Free network",
    "Nivåer": "Levels",
    "Se även": "See also",
    "Samma aktörer på andra sidor": "The same actors on other pages",
    "Hela landet": "Whole country",
    "Detaljer": "Details",
    "Klicka på en nod för dess relationer och belägg. Håll muspekaren över en nod eller kant för källcitatet.":
      "Click a node for its relations and evidence. Hover over a node or edge for the quote from the source.",
    "Listor: aktörer och relationer": "Lists: actors and relations",
    "Nätverkets innehåll som tabeller. Klicka på en rubrik för att sortera; välj en aktör för att markera den.":
      "The network's content as tables. Click a heading to sort; choose an actor to select it.",
    "Aktörer": "Actors",
    "Relationer med belägg": "Relations with evidence",
    "Filtrera": "Filter",
    "Ladda ner CSV": "Download CSV",
    "Nätverk (piltangenter flyttar, +/- zoomar; samma innehåll som tabeller under Listor)":
      "Network (arrow keys move, +/- zoom; the same content as tables under Lists)",
    "Sök och filter": "Search and filters",
    "Översikt": "Overview",
    "SPARQL-frågesida": "SPARQL query page",
    "Webbplatsen": "Site",
    // base.html: every page
    "Hoppa till innehållet": "Skip to the content",
    "Byggd": "Built",
    "dataversion": "data version",
    // index.html
    "Vad grafen innehåller": "What the graph holds",
    "Regioner": "Regions",
    "Teckenförklaring": "Legend",
    "Organ": "Bodies",
    "Samverkansforum": "Collaboration forums",
    "Projekt": "Projects",
    "Planer": "Plans",
    "Rekommendationer": "Recommendations",
    "Brister": "Gaps",
    // map.html
    "Alla aktörer som nätverk": "All actors as a network",
    ": varje regions aktörer i en egen klunga, de nationella i mitten.":
      ": each region's actors in a cluster of their own, the national ones in the middle.",
    "Karta": "Map",
    "Färglägg regionerna efter": "Colour the regions by",
    "Region × strukturtyp": "Region × structure type",
    "Antal strukturer av varje typ i grafen. Klicka på en kolumnrubrik för att sortera.":
      "Number of structures of each type in the graph. Click a column heading to sort.",
    // the gaps report (graph/gaps/render.py)
    "Precision mot den granskade mängden": "Precision against the judged set",
    "Utvärdering av länkprediktionen": "Evaluation of the link prediction",
    "granskning": "audit",
    "regel": "rule",
    "statusnotering": "status note",
    "jämförelse": "comparison",
    "länkprediktion": "link prediction",
    "Fynd": "Findings",
    "Inga fynd.": "No findings.",
    "Underlag för bedömning": "Material for judgement",
    "metod": "method",
    "AUC medel ± sd": "AUC mean ± sd",
    "precision@k medel ± sd": "precision@k mean ± sd",
    "precision@20 medel ± sd": "precision@20 mean ± sd",
    "används för förslag": "used for suggestions",
    "slag": "kind",
    "precision": "precision",
    "bedömda rader": "judged rows",
    "gäller": "concerns",
    "aktör": "actor",
    "slag · källa": "kind · source",
    "namn": "name",
    "poäng": "score",
    "varför": "why",
    "rang": "rank",
    "belägg": "evidence",
    "Regionerna som har varje struktur": "The regions that have each structure",
    "Varje jämförelse ovan säger hur många regioner som har strukturen och länkar hit.":
      "Each comparison above says how many regions have the structure and links here.",
    // network.js
    "Även: ": "Also: ",
    "Öppna aktörens sida": "Open the actor's page",
    " (denna)": " (this one)",
    ", rad ": ", line ",
    // search.js
    "Ingen träff": "No match",
    "på denna sida": "on this page",
    "träff": "hit",
    "träffar": "hits",
    "; visar ": "; showing ",
    "; den bästa finns på en annan sida": "; the best one is on another page",
    ": dold av källvalet": ": hidden by the chosen source",
    // table.js
    "Namn": "Name",
    "Klass": "Class",
    "Region": "Region",
    "Akronymer": "Acronyms",
    "Sida": "Page",
    "Från": "From",
    "Relation": "Relation",
    "Till": "To",
    "Belägg": "Evidence",
    "Dokument": "Document",
    "sida": "page",
    " rader": " rows",
    "visar de första ": "showing the first ",
    "aktorer": "actors",
    "relationer": "relations",
    "natverk": "network",
  };
  const KEY = "naravard-lang";
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  const asked = new URLSearchParams(location.hash.slice(1)).get("lang");
  const lang = asked === "en" || asked === "sv" ? asked : stored() === "en" ? "en" : "sv";
  const t = s => (lang === "en" && Object.prototype.hasOwnProperty.call(EN, s) ? EN[s] : s);

  if (lang === "en") {
    document.documentElement.lang = "en";
    const block = document.getElementById("graph-data");
    if (block) {
      const data = JSON.parse(block.textContent);
      for (const group of [data.classes, data.relations, data.structureTypes, data.levels]) {
        Object.values(group || {}).forEach(v => { v.label = v.labelEn || v.label; });
      }
      data.nodes.forEach(n => { n.sideLabel = n.sideLabelEn; });
      data.edges.forEach(e => { if (e.gapKindEn) e.gapKind = e.gapKindEn; });
      (data.documents || []).forEach(d => { if (d.kindEn) d.kind = d.kindEn; });
      if (data.figureLabelsEn) data.figureLabels = data.figureLabelsEn;
      block.textContent = JSON.stringify(data);
    }
    const map = document.getElementById("map-data");  // the national map's indicators (map.js)
    if (map) {
      const data = JSON.parse(map.textContent);
      data.indicators.forEach(i => { i.label = i.labelEn || i.label; });
      map.textContent = JSON.stringify(data);
    }
    // the key: the element's Swedish text on one line
    document.querySelectorAll("[data-i18n]").forEach(e => {
      e.textContent = t(e.textContent.replace(/\s+/g, " ").trim());
    });
    document.querySelectorAll("[data-en]").forEach(e => { e.textContent = e.dataset.en; });  // the page's title
    // a block with markup in each language (data-lang="sv" / "en"): the English one shown instead
    document.querySelectorAll("[data-lang]").forEach(e => { e.hidden = e.dataset.lang !== "en"; });
    document.querySelectorAll("[data-i18n-label]").forEach(e => {
      e.setAttribute("aria-label", t(e.getAttribute("aria-label")));
    });
    const search = document.getElementById("search");
    if (search) search.placeholder = t(search.placeholder);
  }
  // The switch: remember the choice, put it in the address and draw the page again in the other language
  // (state.js restores the selection, filters and view from the address).
  const button = document.getElementById("lang");
  if (button) {
    button.textContent = lang === "en" ? "Svenska" : "English";
    button.lang = lang === "en" ? "sv" : "en";
    button.addEventListener("click", () => {
      const other = lang === "en" ? "sv" : "en";
      try { localStorage.setItem(KEY, other); } catch (e) { /* a page from disk may have no storage */ }
      const params = new URLSearchParams(location.hash.includes("=") ? location.hash.slice(1) : "");  // not #lists
      params.set("lang", other);
      history.replaceState(null, "", "#" + params.toString().replace(/%3A/g, ":").replace(/%2C/g, ","));
      location.reload();
    });
  }
  window.naravardLang = {lang, t};
})();
