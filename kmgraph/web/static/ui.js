// Small progressive enhancements of the server-rendered pages: lazy tree levels and concept autocomplete.
(function () {
  "use strict";

  // Tree: a <details data-src> loads its children the first time it opens.
  document.addEventListener("toggle", async function (event) {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || details.dataset.loaded) return;
    details.dataset.loaded = "1";
    const list = details.querySelector("ul");
    try {
      const response = await fetch(details.dataset.src, { headers: { Accept: "text/html" } });
      list.innerHTML = response.ok ? await response.text() : '<li class="error">Could not load this level.</li>';
    } catch (e) {
      list.innerHTML = '<li class="error">Could not load this level.</li>';
    }
  }, true);

  // Autocomplete: an input with data-autocomplete lists matching concepts (arrow keys, Enter, Escape).
  for (const input of document.querySelectorAll("input[data-autocomplete]")) {
    const wrap = document.createElement("div");
    wrap.className = "autocomplete";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    const list = document.createElement("ul");
    list.id = input.id + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrap.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-autocomplete", "list");
    let active = -1, timer = null;
    const lang = input.dataset.lang || "en";

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function select(i) {
      const items = list.querySelectorAll("li");
      items.forEach((li, j) => li.setAttribute("aria-selected", String(i === j)));
      active = i;
      if (items[i]) input.setAttribute("aria-activedescendant", items[i].id);
    }
    function open(item) { window.location.href = item.dataset.href; }

    async function suggest() {
      const text = input.value.trim();
      if (text.length < 2) { close(); return; }
      const url = input.dataset.autocomplete + "?maxhits=10&query=" + encodeURIComponent(text) + "&lang=" + lang;
      const response = await fetch(url);
      if (!response.ok) { close(); return; }
      const data = await response.json();
      list.replaceChildren();
      data.results.forEach(function (r, i) {
        const li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.href = "/concepts/" + encodeURIComponent(r.notation) + "?lang=" + lang;
        const code = document.createElement("strong"); code.textContent = r.notation + " ";
        const label = document.createElement("span"); label.textContent = r.prefLabel; label.lang = r.lang;
        li.append(code, label);
        if (r.lang !== lang) { const fb = document.createElement("span"); fb.className = "fallback"; fb.textContent = "(" + r.lang + ")"; li.append(" ", fb); }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); open(li); });
        list.appendChild(li);
      });
      list.hidden = data.results.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
      active = -1;
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(suggest, 120); });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (e) {
      const items = list.querySelectorAll("li");
      if (list.hidden || !items.length) return;
      if (e.key === "ArrowDown") { e.preventDefault(); select(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); open(items[active]); }
      else if (e.key === "Escape") { close(); }
    });
  }
})();
