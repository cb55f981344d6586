"""The work list's in-page script, as a string the list page inlines.

It reproduces how the real list behaves for a scraper: custom ks-select dropdowns; choosing
a page size or a page fetches `/app/work/list/rows` (JSON), shows the list's `.loader-line`
while waiting, then swaps the rows and updates the current page, the prev/next `disabled`
classes, the pagination's visibility and the match count in one go. A 401 sends the browser
to the login form (an expired session); any other failure shows an error and keeps the rows.
"""

LIST_SCRIPT = r"""
(function () {
  "use strict";
  var list = document.querySelector(".work-list");
  var pager = document.querySelector(".simple-pagination .list-pagination");
  var current = pager.querySelector(".current-page");
  var prev = pager.querySelector(".prev-page");
  var next = pager.querySelector(".next-page");
  var matchesEl = document.querySelector(".simple-pagination .list-matches");
  var loader = document.querySelector(".list-loader");
  var errorEl = document.querySelector(".list-error");
  var state = {
    page: Number(list.dataset.page),
    pages: Number(list.dataset.pages),
    limit: Number(list.dataset.limit)
  };
  var sequence = 0;  // only the latest request may change the list

  function showPager(page, pages) {
    current.textContent = " " + page + " ";
    prev.classList.toggle("disabled", page <= 1);
    // Like the real site: with one page the pagination is hidden and next is NOT disabled.
    next.classList.toggle("disabled", pages > 1 && page >= pages);
    pager.style.display = pages <= 1 ? "none" : "";
  }

  function load(page, limit) {
    var mine = ++sequence;
    loader.style.display = "";
    errorEl.style.display = "none";
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
      list.innerHTML = data.rows_html;
      state.page = data.page;
      state.pages = data.pages;
      list.dataset.page = String(data.page);
      list.dataset.pages = String(data.pages);
      showPager(data.page, data.pages);
      if (matchesEl && data.matches !== undefined) {  // absent under the no_match_count fault
        matchesEl.textContent = " " + data.matches + " matches ";
      }
      loader.style.display = "none";
    }).catch(function (error) {
      if (mine !== sequence) { return; }
      loader.style.display = "none";
      errorEl.textContent = error.message;
      errorEl.style.display = "";
    });
  }

  prev.addEventListener("click", function (event) {
    event.preventDefault();
    if (prev.classList.contains("disabled") || state.page <= 1) { return; }
    load(state.page - 1, state.limit);
  });
  next.addEventListener("click", function (event) {
    event.preventDefault();
    if (next.classList.contains("disabled") || state.page >= state.pages) { return; }
    load(state.page + 1, state.limit);
  });

  function closeAll(except) {
    document.querySelectorAll(".ks-select-dropdown").forEach(function (dropdown) {
      if (dropdown !== except) { dropdown.style.display = "none"; }
    });
  }

  document.querySelectorAll(".ks-select").forEach(function (select) {
    var selection = select.querySelector(".ks-select-selection");
    var dropdown = select.querySelector(".ks-select-dropdown");
    var limitInput = select.querySelector("input[name=limit]");
    selection.addEventListener("click", function (event) {
      event.stopPropagation();
      closeAll(dropdown);
      dropdown.style.display = dropdown.style.display === "none" ? "" : "none";
    });
    select.querySelectorAll(".autocomplete-list > li").forEach(function (option) {
      option.addEventListener("click", function (event) {
        event.stopPropagation();
        select.querySelectorAll(".autocomplete-list > li").forEach(function (other) {
          other.classList.toggle("selected-item", other === option);
        });
        selection.firstChild.textContent = " " + option.textContent.trim() + " ";
        dropdown.style.display = "none";
        if (limitInput) {  // the page-size menu: reload at page 1
          var size = parseInt(option.textContent.replace(/[^0-9]/g, ""), 10);
          limitInput.value = String(size);
          state.limit = size;
          load(1, size);
        }
      });
    });
  });
  document.addEventListener("click", function () { closeAll(null); });

  // "more..." shows the full instructions; every href="#" stays on the page.
  list.addEventListener("click", function (event) {
    var link = event.target.closest("a[href='#']");
    if (!link) { return; }
    event.preventDefault();
    var block = link.closest(".med-10");
    var tooltip = block && block.querySelector(".ks-tooltip");
    if (tooltip) { tooltip.style.display = link.textContent.trim() === "Close" ? "none" : ""; }
  });
})();
"""
