/* Reader view. Edit links and "as of" dates are for editors: they stay out of the text unless the
   reader turns on "Editor view" (remembered in localStorage) or moves keyboard focus to an edit link.
   Following a marker to the page's Sources list opens the list if it is closed. Nothing here is
   needed to read a page: without JavaScript the Sources list opens with a click, and edit links
   appear when focused. */
(function () {
  "use strict";
  var KEY = "sco-editor-view", root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }
  function remember(on) {
    try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode: not remembered */ }
  }
  function apply(on, button) {
    root.classList.toggle("sco-editor", on);
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  apply(stored(), null);

  function addToggle() {
    var article = document.querySelector("article.md-content__inner");
    if (!article || !article.querySelector(".sco-edit, .sco-asof") || article.querySelector(".sco-editor-toggle")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sco-editor-toggle md-button";
    button.textContent = "Editor view: edit links and \u201cas of\u201d dates";
    button.addEventListener("click", function () {
      var on = !root.classList.contains("sco-editor");
      apply(on, button);
      remember(on);
    });
    apply(root.classList.contains("sco-editor"), button);
    var sources = article.querySelector("section.sco-sources");
    article.insertBefore(button, sources || null);
  }

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    var details = target.closest("details");
    if (details && !details.open) {
      details.open = true;
      target.scrollIntoView();
    }
  }

  addToggle();
  openTarget();
  window.addEventListener("hashchange", openTarget);
})();
