"""The in-page scripts of the simulated site, as strings the pages inline.

The real site is a Vue app: its pages are rendered and changed by script, links are
`href="#"`. These scripts reproduce what a scraper meets there:

LOGIN_SCRIPT renders the login form into #app after the page was parsed (login.html shows the
form inside #app, put there by the page's script).

LAYOUT_SCRIPT runs on every logged-in page: the user menu in the top bar opens on a click,
"Logout" posts to /logout, no `href="#"` link navigates.

LIST_SCRIPT drives the work list: ks-select menus open on a click of their selection
(their li items present at rest, or created on open and removed on close: the open-only
version); choosing a page size relabels `.ks-select-selection` but leaves `li.selected-item`
on "Show 25" (the real site's stale marker) and reloads the list at page 1, unless the list
is on its only page, where nothing reloads (docs/workfossa-site.md); prev/next/numbered links
fetch `/app/work/list/rows` (JSON) and swap the rows, the pager and the count in one go,
with the search bar's loader-line shown meanwhile. A 401 sends the browser to the login
form (an expired session); any other failure shows an error and keeps the rows. "more..."
opens the instructions' tooltip, "Close" shuts it.

LOCATION_SCRIPT drives a location page's tabs: the Equipment tab's content is fetched when
the tab is clicked; a collapsed equipment group shows its items only once expanded.
"""

LOGIN_SCRIPT = r"""
(function () {
  "use strict";
  // Like the real app's mount: the form appears after parsing, not in the served HTML.
  setTimeout(function () {
    var template = document.getElementById("login-template");
    if (!template) { return; }
    document.getElementById("app").appendChild(template.content.cloneNode(true));
    template.parentNode.removeChild(template);
  }, 0);
})();
"""

LAYOUT_SCRIPT = r"""
(function () {
  "use strict";
  var toggle = document.querySelector(".top-bar a.dropdown-toggle");
  var menu = toggle && toggle.parentNode.querySelector("ul.sub-dropdown");
  if (toggle && menu) {
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      event.stopPropagation();
      menu.classList.toggle("open");
    });
    menu.querySelectorAll("a").forEach(function (link) {
      if (link.textContent.trim() !== "Logout") { return; }
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var form = document.createElement("form");
        form.method = "post";
        form.action = "/logout";
        document.body.appendChild(form);
        form.submit();
      });
    });
  }
  document.querySelectorAll(".ks-action-menu > .menu-button").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      event.stopPropagation();
      button.parentNode.classList.toggle("open");
    });
  });
  document.addEventListener("click", function (event) {
    if (menu) { menu.classList.remove("open"); }
    var link = event.target.closest && event.target.closest('a[href="#"]');
    if (link) { event.preventDefault(); }  // script-driven links never navigate
  });
})();
"""

LIST_SCRIPT = r"""
(function () {
  "use strict";
  var S = window.WORK_LIST_STATE;
  var wrapper = document.querySelector(".paginator-wrapper");
  var container = document.querySelector("div.mt-2.bg-white");
  var searchBar = document.getElementById("work-order-search-bar");
  var loader = searchBar.parentNode.querySelector(".loader-line");
  var sequence = 0;  // only the latest request may change the list

  function onlyPage() {
    return S.pager === "simple" ? (S.page <= 1 && !S.hasMore) : S.pages <= 1;
  }
  function hasNext() {
    return S.pager === "simple" ? S.hasMore : S.page < S.pages;
  }

  function showError(message) {
    var box = document.querySelector(".toast-error");
    if (!box) {
      box = document.createElement("div");
      box.className = "toast-error";
      box.setAttribute("role", "alert");
      wrapper.parentNode.insertBefore(box, wrapper.nextSibling);
    }
    box.textContent = message;
  }
  function clearError() {
    var box = document.querySelector(".toast-error");
    if (box) { box.parentNode.removeChild(box); }
  }

  function swapRows(html) {
    var header = container.firstElementChild;  // the column header row stays
    while (header.nextSibling) { container.removeChild(header.nextSibling); }
    container.insertAdjacentHTML("beforeend", html);
  }

  function load(page, limit) {
    var mine = ++sequence;
    loader.style.display = "";
    var params = new URLSearchParams(window.location.search);
    params.set("limit", String(limit));
    params.set("page", String(page));
    fetch("/app/work/list/rows?" + params.toString(), {
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"}
    }).then(function (response) {
      if (response.status === 401) {  // session gone: back to the login form
        window.location.href = "/";
        return null;
      }
      if (!response.ok) {
        throw new Error("Something went wrong loading work (error " + response.status + "). Please try again.");
      }
      return response.json();
    }).then(function (data) {
      if (!data || mine !== sequence) { return; }
      clearError();
      swapRows(data.rows_html);
      S.page = data.page;
      S.limit = data.limit;
      if (data.pages !== undefined) { S.pages = data.pages; }
      if (data.has_more !== undefined) { S.hasMore = data.has_more; }
      var pagination = wrapper.querySelector(".pagination");
      pagination.className = data.pager_class;
      if (data.pager_style) { pagination.setAttribute("style", data.pager_style); }
      else { pagination.removeAttribute("style"); }
      pagination.innerHTML = data.pager_html;
      var count = wrapper.querySelector("div.text-right.muted");
      if (count && data.matches !== undefined) {
        count.textContent = "\n                    " + data.matches + " matches\n                ";
      }
      loader.style.display = "none";
    }).catch(function (error) {
      if (mine !== sequence) { return; }
      loader.style.display = "none";
      showError(error.message);
    });
  }

  wrapper.addEventListener("click", function (event) {
    var link = event.target.closest(".pagination a");
    if (!link) { return; }
    event.preventDefault();
    if (link.classList.contains("disabled")) { return; }
    if (link.classList.contains("prev-page")) {
      if (S.page > 1) { load(S.page - 1, S.limit); }
    } else if (link.classList.contains("next-page")) {
      if (hasNext()) { load(S.page + 1, S.limit); }
    } else if (link.classList.contains("page-link")) {
      var n = parseInt(link.textContent, 10);
      if (n && n !== S.page) { load(n, S.limit); }
    }
  });

  // --- ks-select menus ---------------------------------------------------------------------
  var selects = [];
  function setupSelect(select) {
    var selection = select.querySelector(".ks-select-selection");
    var dropdown = select.querySelector(".ks-select-dropdown");
    var list = select.querySelector("ul.autocomplete-list");
    var input = select.querySelector("input.select-input-field");
    var name = input ? input.name : "";
    var entry = {
      isOpen: function () { return dropdown.style.display !== "none"; },
      open: function () {
        if (!S.optionsAtRest && S.options[name]) {
          // open-only: the items exist only while the menu is open.
          list.insertAdjacentHTML("afterbegin", S.options[name]);
        }
        dropdown.style.display = "";
      },
      close: function () {
        if (!entry.isOpen()) { return; }
        dropdown.style.display = "none";
        if (!S.optionsAtRest) {
          list.querySelectorAll("li").forEach(function (li) { list.removeChild(li); });
        }
      }
    };
    selects.push(entry);
    selection.addEventListener("click", function (event) {
      event.stopPropagation();
      var wasOpen = entry.isOpen();
      selects.forEach(function (other) { other.close(); });
      if (!wasOpen) { entry.open(); }
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("li");
      if (!option) { return; }
      event.stopPropagation();
      var text = option.textContent.trim();
      // Relabel the selection; li.selected-item is left where it was (the real site's
      // stale marker: it stays on "Show 25").
      var label = selection.firstChild;
      if (label && label.nodeType === 3) {
        label.nodeValue = "\n                " + text + "\n             ";
      }
      entry.close();
      if (name === "limit") {
        var size = parseInt(text.replace(/[^0-9]/g, ""), 10);
        var wasOnlyPage = onlyPage();
        S.limit = size;
        if (!wasOnlyPage) { load(1, size); }  // on the only page nothing reloads
      }
    });
  }
  document.querySelectorAll(".ks-select").forEach(setupSelect);
  document.addEventListener("click", function () {
    selects.forEach(function (entry) { entry.close(); });
  });

  // "more..." shows the full instructions, "Close" hides them.
  container.addEventListener("click", function (event) {
    var link = event.target.closest("a[href='#']");
    if (!link) { return; }
    var block = link.closest(".med-10");
    var tooltip = block && block.querySelector("." + S.tooltipClass);
    var text = link.textContent.trim();
    if (!tooltip || (text !== "more..." && text !== "Close")) { return; }
    event.preventDefault();
    tooltip.style.display = text === "Close" ? "none" : "";
  });
})();
"""

LOCATION_SCRIPT = r"""
(function () {
  "use strict";
  var L = window.LOCATION_STATE;
  var tabs = document.querySelector("ul.tabs");
  var panel = document.querySelector(".tab-content");
  var loader = document.querySelector(".tabs-loader .loader-line");
  var sequence = 0;

  function select(tab) {
    tabs.querySelectorAll("li").forEach(function (li) { li.classList.toggle("active", li === tab); });
  }

  function loadEquipment() {
    var mine = ++sequence;
    panel.innerHTML = "";
    loader.style.display = "";
    fetch(L.equipmentUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.status === 401) { window.location.href = "/"; return null; }
        if (!response.ok) { throw new Error("Could not load equipment (error " + response.status + ")."); }
        return response.json();
      }).then(function (data) {
        if (!data || mine !== sequence) { return; }
        loader.style.display = "none";
        panel.innerHTML = data.html;
        var index = 0;
        Array.prototype.forEach.call(panel.children, function (group) {
          if (group.querySelector(".group-heading")) { setupGroup(group, data.groups[index++]); }
        });
      }).catch(function (error) {
        if (mine !== sequence) { return; }
        loader.style.display = "none";
        panel.innerHTML = "";
        var box = document.createElement("div");
        box.className = "toast-error";
        box.setAttribute("role", "alert");
        box.textContent = error.message;
        panel.appendChild(box);
      });
  }

  // A group's items live in the script until the group is expanded; collapsing removes them.
  function setupGroup(group, items) {
    var toggle = group.querySelector(".group-heading a[title]");
    var slot = group.lastElementChild;  // the items' wrapper after the heading (as captured)
    var chevron = toggle.querySelector("svg");
    function expanded() { return toggle.getAttribute("title") === "Hide equipment"; }
    function show() {
      slot.innerHTML = items;
      toggle.setAttribute("title", "Hide equipment");
      chevron.setAttribute("data-icon", "chevron-up");
      chevron.setAttribute("class", "rotate svg-inline--fa fa-chevron-up");
    }
    function hide() {
      slot.innerHTML = "";
      toggle.setAttribute("title", "Show equipment");
      chevron.setAttribute("data-icon", "chevron-down");
      chevron.setAttribute("class", "svg-inline--fa fa-chevron-down");
    }
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      if (expanded()) { hide(); } else { show(); }
    });
  }

  tabs.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (!link) { return; }
    event.preventDefault();
    var tab = link.parentNode;
    select(tab);
    // The real tab also carries dusk="equipment-tab" (docs/workfossa-site.md): either tells.
    if (link.textContent.trim() === "Equipment" || link.getAttribute("dusk") === "equipment-tab") {
      loadEquipment();
    } else {
      sequence++;
      loader.style.display = "none";
      panel.innerHTML = L.panels[link.textContent.trim()] || "";
    }
  });
})();
"""
