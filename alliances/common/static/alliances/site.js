/* Alliances: the one script of the site (docs/adr/0124-script-policy.md).
   Every page works without it; it only shortens paths:
   - the phone menu opens and closes as a button (without it, a link to #menu does it);
   - forms marked data-autosubmit apply a filter as soon as it changes (without it, the
     "Appliquer" button does) and give the focus back to that filter after the reload;
   - a place box (data-place-suggest) lists matching communes, EPCI, départements and
     régions as one types (without it, the typed name is resolved by the server);
   - the search filters stay open as a sidebar on wide screens in browsers without
     ::details-content;
   - a table wider than a phone's screen scrolls in place: it takes the keyboard focus so
     that it can be scrolled without a mouse. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");
  var FOCUS_KEY = "alliances:focus";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // --- phone menu -----------------------------------------------------------------------
  function setupMenu() {
    var toggle = document.querySelector("[data-menu-toggle]");
    var menu = document.getElementById("menu");
    if (!toggle || !menu) { return; }
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");
    function set(open) {
      menu.classList.toggle("is-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      set(!menu.classList.contains("is-open"));
    });
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); set(!menu.classList.contains("is-open")); }
    });
    var close = menu.querySelector(".menu-close");
    if (close) {
      close.addEventListener("click", function (event) {
        event.preventDefault(); set(false); toggle.focus();
      });
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("is-open")) { set(false); toggle.focus(); }
    });
  }

  // --- filters applied on change ----------------------------------------------------------
  function submit(form, field) {
    if (field && field.id) {
      try { sessionStorage.setItem(FOCUS_KEY, field.id); } catch (e) { /* private mode */ }
    }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function setupAutosubmit() {
    var forms = document.querySelectorAll("form[data-autosubmit]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("change", function (event) {
        var field = event.target;
        if (!field || field.hasAttribute("data-no-autosubmit")) { return; }
        var type = (field.getAttribute("type") || "").toLowerCase();
        if (field.tagName === "SELECT" || type === "checkbox" || type === "radio" || type === "number") {
          if (type === "number" && field.value && !field.checkValidity()) { return; }
          submit(form, field);
        }
      });
    });
    var wanted = null;
    try { wanted = sessionStorage.getItem(FOCUS_KEY); sessionStorage.removeItem(FOCUS_KEY); } catch (e) { wanted = null; }
    if (wanted) {
      var target = document.getElementById(wanted);
      if (target) { target.focus({ preventScroll: true }); }
    }
  }

  // --- filters as a sidebar on wide screens -----------------------------------------------
  function setupSidebar() {
    var supports = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    if (supports) { return; }
    var wide = window.matchMedia("(min-width: 64rem)");
    function sync() {
      Array.prototype.forEach.call(document.querySelectorAll("details.facets"), function (d) {
        if (wide.matches) { d.open = true; }
      });
    }
    sync();
    if (wide.addEventListener) { wide.addEventListener("change", sync); }
  }

  // --- place box ----------------------------------------------------------------------------
  function setupPlaceBox(input, index) {
    var url = input.getAttribute("data-url");
    var hidden = document.getElementById(input.getAttribute("data-target"));
    var form = input.form;
    if (!url || !hidden || !form) { return; }
    var name = input.getAttribute("name");
    var chosen = input.value;
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var listId = "suggestions-" + index;
    var items = [];
    var active = -1;
    var timer = null;
    var last = "";
    list.id = listId;
    list.className = "suggestions-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-list-label") || "");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(position) {
      var options = list.children;
      if (!options.length) { return; }
      active = (position + options.length) % options.length;
      Array.prototype.forEach.call(options, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }
    function choose(position) {
      var item = items[position];
      if (!item) { return; }
      input.value = item.label;
      chosen = item.label;
      hidden.value = item.value;
      hidden.disabled = false;
      input.removeAttribute("name"); // the place is chosen: the server needs no text to read
      close();
      if (form.hasAttribute("data-autosubmit")) { submit(form, input); }
    }
    function render(results) {
      items = results;
      list.textContent = "";
      results.forEach(function (item, i) {
        var li = document.createElement("li");
        var detail = document.createElement("span");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.appendChild(document.createTextNode(item.label));
        detail.className = "meta";
        detail.textContent = item.detail;
        li.appendChild(detail);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      var template = input.getAttribute(results.length ? "data-count-label" : "data-none-label") || "";
      status.textContent = template.replace("%(n)s", String(results.length));
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }
    function fetchSuggestions() {
      var text = input.value.trim();
      if (text.length < 2) { render([]); return; }
      if (text === last) { return; }
      last = text;
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === text) { render(data.results || []); } })
        .catch(function () { render([]); });
    }
    input.addEventListener("input", function () {
      if (input.value !== chosen) {
        // The text no longer names the chosen place: let the server read the new text.
        hidden.disabled = true;
        if (name) { input.setAttribute("name", name); }
      }
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 160);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { last = ""; fetchSuggestions(); } else { highlight(active + 1); }
      } else if (event.key === "ArrowUp" && !list.hidden) {
        event.preventDefault(); highlight(active - 1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault(); choose(active);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault(); close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 120); });
  }

  // --- wide tables ----------------------------------------------------------------------------
  function setupTables() {
    Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
      if (table.scrollWidth > table.clientWidth + 1 && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
      }
    });
  }

  ready(function () {
    setupMenu();
    setupTables();
    setupAutosubmit();
    setupSidebar();
    Array.prototype.forEach.call(document.querySelectorAll("input[data-place-suggest]"), setupPlaceBox);
  });
}());
