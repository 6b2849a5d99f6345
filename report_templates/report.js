/* The report's only script (inlined; its hash is the CSP's only script-src). It adds the
   filters (family, severity, only new, page, search), shows findings a page at a time per rule code,
   reveals a finding when a link points at it, and opens everything before printing.
   Without it the report shows every finding, which is also what prints. It reads the
   page's text only through textContent and writes only attributes and textContent. */
(function () {
  "use strict";
  var root = document.getElementById("findings");
  var form = document.getElementById("filters");
  if (!root || !form) { return; }
  var pageSize = parseInt(root.getAttribute("data-page-size"), 10) || 25;
  var lists = Array.prototype.slice.call(root.querySelectorAll(".finding-list"));
  var groups = Array.prototype.slice.call(root.querySelectorAll(".code-group"));
  var families = Array.prototype.slice.call(root.querySelectorAll("section.family"));
  var total = root.querySelectorAll(".finding").length;
  var family = document.getElementById("filter-family");
  var severity = document.getElementById("filter-severity");
  var onlyNew = document.getElementById("filter-new");  /* only in reports compared with a previous run */
  var page = document.getElementById("filter-page");
  var search = document.getElementById("filter-search");
  var status = document.getElementById("filter-status");
  var toggle = document.getElementById("toggle-all");
  var limits = new Map();
  var texts = new WeakMap();
  var pages = new WeakMap();
  var timer = null;

  function message(name, values) {
    var text = root.getAttribute("data-msg-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }
  function textOf(el) {
    var text = texts.get(el);
    if (text === undefined) { text = el.textContent.toLowerCase(); texts.set(el, text); }
    return text;
  }
  function pagesOf(el) {  /* the pages a finding was seen on: the first column of its locations */
    var text = pages.get(el);
    if (text === undefined) {
      text = "";
      el.querySelectorAll(".locations td:first-child").forEach(function (cell) {
        var link = cell.querySelector("a");
        text += " " + cell.textContent + " " + (link ? link.getAttribute("href") : "");
      });
      text = text.toLowerCase();
      pages.set(el, text);
    }
    return text;
  }
  function criteria() {
    return { family: family.value, severity: severity.value, onlyNew: !!(onlyNew && onlyNew.checked),
             page: page.value.trim().toLowerCase(),
             words: search.value.trim().toLowerCase().split(/\s+/).filter(Boolean) };
  }
  function matches(el, c) {
    if (c.family && el.getAttribute("data-family") !== c.family) { return false; }
    if (c.severity && el.getAttribute("data-severity") !== c.severity) { return false; }
    if (c.onlyNew && el.getAttribute("data-change") !== "new") { return false; }
    if (c.page && pagesOf(el).indexOf(c.page) < 0) { return false; }
    if (c.words.length) {
      var text = textOf(el);
      for (var i = 0; i < c.words.length; i++) { if (text.indexOf(c.words[i]) < 0) { return false; } }
    }
    return true;
  }
  function moreButton(list) {
    var next = list.nextElementSibling;
    if (next && next.classList.contains("more")) { return next; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "more";
    button.addEventListener("click", function () {
      limits.set(list, (limits.get(list) || pageSize) + pageSize);
      apply();
    });
    list.parentNode.insertBefore(button, list.nextSibling);
    return button;
  }
  function apply() {
    var c = criteria();
    var matched = 0;
    lists.forEach(function (list) {
      var limit = limits.get(list) || pageSize;
      var seen = 0;
      var items = list.children;
      for (var i = 0; i < items.length; i++) {
        var ok = matches(items[i], c);
        if (ok) { seen += 1; }
        items[i].hidden = !ok || seen > limit;
      }
      var rest = seen - Math.min(seen, limit);
      var button = moreButton(list);
      button.hidden = rest <= 0;
      button.textContent = message("more", { n: Math.min(rest, pageSize), rest: rest });
      list.closest(".code-group").hidden = seen === 0;
      matched += seen;
    });
    families.forEach(function (fam) {
      fam.hidden = !fam.querySelector(".code-group:not([hidden])");
    });
    status.textContent = matched ? message("shown", { shown: matched, total: total }) : message("none", {});
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(apply, 120);
  }
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target || !target.classList.contains("finding")) { return; }
    if (target.hidden) {
      if (!matches(target, criteria())) { form.reset(); }
      limits.set(target.parentNode, Infinity);
      apply();
    }
    target.open = true;
    var collapsed = target.closest(".info-group");  /* information-only groups start collapsed */
    if (collapsed) { collapsed.open = true; }
    target.scrollIntoView();
    var summary = target.querySelector("summary");
    if (summary) { summary.focus(); }
  }
  [family, severity, onlyNew].forEach(function (el) { if (el) { el.addEventListener("change", apply); } });
  [page, search].forEach(function (el) { el.addEventListener("input", later); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { limits.clear(); setTimeout(apply, 0); });
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-pressed") !== "true";
    root.querySelectorAll(".finding:not([hidden]), .info-group").forEach(function (el) { el.open = open; });
    toggle.setAttribute("aria-pressed", open ? "true" : "false");
    toggle.textContent = toggle.getAttribute(open ? "data-close" : "data-open");
  });
  window.addEventListener("hashchange", reveal);
  window.addEventListener("beforeprint", function () {
    lists.forEach(function (list) { limits.set(list, Infinity); });
    apply();
    root.querySelectorAll(".finding:not([hidden]), .info-group").forEach(function (el) { el.open = true; });
  });
  groups.forEach(function (group) { group.hidden = false; });
  form.hidden = false;
  apply();
  reveal();
}());
