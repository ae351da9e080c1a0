// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Like without a reload: the form still POSTs normally when this does not run. A like form sits in
  // a [data-like-scope] (a card, the photo's like box) whose [data-like-count] shows the count.
  function showCount(element, count) {
    if (element.getAttribute("data-like-count") === "card") {
      element.firstChild.textContent = "♥ " + count.toLocaleString();
      element.hidden = count === 0;
    } else {
      element.textContent = "Liked by " + count.toLocaleString() + " " + (count === 1 ? "person" : "people");
    }
  }

  function enhanceLikeForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      var action = form.querySelector("input[name=action]");
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      button.disabled = true;
      // getAttribute: the hidden input named "action" shadows the form.action property.
      fetch(form.getAttribute("action"), {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          action.value = data.liked ? "unlike" : "like";
          button.classList.toggle("is-liked", data.liked);
          button.setAttribute("aria-pressed", data.liked ? "true" : "false");
          var label = button.querySelector("[data-like-label]");
          if (label) { label.textContent = data.liked ? "Liked" : "Like"; }
          var scope = form.closest("[data-like-scope]") || document;
          var count = scope.querySelector("[data-like-count]");
          if (count) { showCount(count, data.count); }
        })
        .catch(function () { form.submit(); })  // fall back to the ordinary POST
        .finally(function () { button.disabled = false; });
    });
  }

  // "Copy credit": text and HTML on the clipboard at once (a rich editor pastes the links), or the
  // HTML source as text. Without the clipboard API the credit is selected for Ctrl+C instead.
  function selectForCopy(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function writeClipboard(button) {
    var text = button.getAttribute("data-text");
    var html = button.getAttribute("data-html");
    if (html && window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
      return navigator.clipboard.write([new ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([html], { type: "text/html" }),
      })]);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) { return navigator.clipboard.writeText(text); }
    return Promise.reject(new Error("no clipboard"));
  }

  function enhanceCredit(box) {
    var status = box.querySelector("[data-copy-status]");
    box.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var html = button.getAttribute("data-copy") === "html";
        writeClipboard(button)
          .then(function () { status.textContent = html ? "HTML copied." : "Credit copied."; })
          .catch(function () {
            var source = box.querySelector(html ? "[data-credit-html]" : "[data-credit-line]");
            if (html) { box.querySelector("details").open = true; source.select(); } else { selectForCopy(source); }
            status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
          });
      });
    });
  }

  // Filters apply as soon as a choice is picked with the mouse or a finger. A keyboard user moves
  // through a select's options with the arrow keys, so a change made from the keyboard waits for
  // the Apply button (or Enter on another field) instead of leaving the page at the first ArrowDown.
  function enhanceFilterForm(form) {
    var lastInput = "";
    form.addEventListener("keydown", function () { lastInput = "keyboard"; }, true);
    form.addEventListener("pointerdown", function () { lastInput = "pointer"; }, true);
    form.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT" && lastInput !== "keyboard") { form.requestSubmit(); }
    });
  }

  // Clean URLs: blank fields (and the default sort) are left out of the query string.
  function omitBlankFields(form) {
    form.addEventListener("submit", function () {
      var words = form.querySelector("[name=q]");
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name) { return; }
        var blank = field.value.trim() === "";
        if (field.name === "sort") {
          blank = field.value === (words && words.value.trim() ? "relevance" : "newest");
        }
        if (blank) { field.disabled = true; }
      });
    });
  }

  // After Back, the form must show the filters of the page it is on: the browser may restore
  // typed-in or disabled fields (bfcache), so they go back to what the server rendered.
  function resetOnPageShow(forms) {
    window.addEventListener("pageshow", function () {
      forms.forEach(function (form) {
        Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
        form.reset();
      });
    });
  }

  // The tag box completes over every tag: the datalist is refilled from the server as one types,
  // counted under the form's other filters.
  function enhanceTagBox(form) {
    var input = form.querySelector("input[name=tag][list]");
    var url = form.getAttribute("data-tag-suggest");
    if (!input || !url) { return; }
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var latest = 0;
    function fill(tags) {
      list.replaceChildren.apply(list, tags.map(function (tag) {
        var option = document.createElement("option");
        option.value = tag.name;
        option.textContent = tag.name + " (" + tag.count.toLocaleString() + ")";
        return option;
      }));
    }
    function suggest() {
      var params = new URLSearchParams(new FormData(form));
      params.delete("tag");
      params.delete("sort");
      params.set("prefix", input.value.trim());
      var ticket = ++latest;
      fetch(url + "?" + params.toString(), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
        .then(function (data) { if (ticket === latest) { fill(data.tags); } })
        .catch(function () {});  // the box still takes any tag typed in full
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
  }

  // On a phone the filter panel starts closed so photos come first; chips show active filters.
  function collapseOnNarrowScreens(details) {
    if (window.matchMedia("(max-width: 859px)").matches) {
      details.removeAttribute("open");
    }
  }

  document.querySelectorAll("form[data-like-form]").forEach(enhanceLikeForm);
  var filterForms = document.querySelectorAll("form[data-filter-form]");
  filterForms.forEach(enhanceFilterForm);
  filterForms.forEach(enhanceTagBox);
  var getForms = Array.prototype.slice.call(document.querySelectorAll("form[data-filter-form], form[role=search]"));
  getForms.forEach(omitBlankFields);
  resetOnPageShow(getForms);
  document.querySelectorAll("[data-credit]").forEach(enhanceCredit);
  document.querySelectorAll("details[data-collapse-narrow]").forEach(collapseOnNarrowScreens);
})();
