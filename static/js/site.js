// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Like without a reload: the form still POSTs normally when this does not run.
  function peopleText(count) {
    return "Liked by " + count.toLocaleString() + " " + (count === 1 ? "person" : "people");
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
          var count = document.querySelector("[data-like-count]");
          if (count) { count.textContent = peopleText(data.count); }
        })
        .catch(function () { form.submit(); })  // fall back to the ordinary POST
        .finally(function () { button.disabled = false; });
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
  document.querySelectorAll("details[data-collapse-narrow]").forEach(collapseOnNarrowScreens);
})();
