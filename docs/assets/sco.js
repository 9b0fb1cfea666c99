/* SCO Explainer: citation previews and scrollable tables.

   Citation previews. Each marker [n] links to entry n of the page's Sources list (li#ref-n). Hovering
   or focusing a marker, or tapping it on a touch screen, shows that entry's quote and attribution in a
   box anchored to the marker, with the entry's "In context" and "Original" links; a second tap, a click,
   Enter or one of those links follows. The box stays open while the pointer is over the marker or the
   box, closes on Escape (focus goes back to the marker) and when the reader taps or clicks elsewhere
   (WCAG 1.4.13). It is built from the entry each time, so the quote's text is in the page once (on the
   quote's own source page, from the quote shown there, which the marker's aria-describedby names), and it
   sits right after the marker in the document, so Tab moves from the marker into its links. Following
   a marker opens the Sources list first when it is a closed <details>. Without JavaScript a marker is
   a plain link to its entry.

   Scrollable tables. A table (or Material's table wrapper) that is wider than its column scrolls
   inside itself; it gets tabindex="0" and a name, so a keyboard can scroll it (WCAG 2.1.1), and the
   class sco-scrolls, which draws the scroll cue. */
(function () {
  "use strict";
  var GAP = 6, MARGIN = 8, HIDE_DELAY = 300;
  var tip = null, current = null, hideTimer = 0, frame = 0;
  var pointerType = "", pointerDownAt = 0, openAtDown = false;

  function markerOf(node) {
    return node && node.closest ? node.closest("a.sco-cite") : null;
  }
  function inTip(node) {
    return !!(tip && node && tip.contains(node));
  }
  function entryOf(marker) {
    var href = marker.getAttribute("href") || "";
    return href.charAt(0) === "#" ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
  }

  /* Open every closed <details> around an element, so that following a link to it shows it. */
  function reveal(element) {
    for (var d = element && element.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      if (!d.open) d.open = true;
    }
  }
  function revealHash() {
    if (location.hash.length < 2) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var closed = target && target.closest("details:not([open])");
    if (closed) {
      reveal(target);
      target.scrollIntoView();
    }
  }

  function link(source, text) {
    var a = document.createElement("a");
    a.href = source.getAttribute("href");
    if (source.rel) a.rel = source.rel;
    a.textContent = text;
    return a;
  }
  function build(marker) {
    var entry = entryOf(marker);
    if (!entry) return null;
    var box = document.createElement("span");
    box.className = "sco-tip";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Source " + marker.textContent.trim());
    // on a quote's own source page the entry leaves the text to the quote shown there (aria-describedby's "qt-")
    var quote = entry.querySelector("q") || document.getElementById((marker.getAttribute("aria-describedby") || "").split(" ")[0]);
    var by = entry.querySelector(".sco-by"), said = (quote || entry).textContent.trim();
    var text = document.createElement("span");
    text.className = "sco-tip-text";
    text.textContent = quote && quote.tagName === "BLOCKQUOTE" ? said : "\u201c" + said + "\u201d";
    box.appendChild(text);
    if (by) {
      var who = document.createElement("span");
      who.className = "sco-tip-by";
      who.textContent = by.textContent;
      box.appendChild(who);
    }
    // The entry's own links, not the backlinks to the markers (those would point back here).
    var links = Array.prototype.filter.call(entry.querySelectorAll("a[href]"), function (a) {
      return !a.closest(".sco-backrefs");
    });
    var original = links.filter(function (a) { return a.classList.contains("sco-original"); })[0];
    var context = links.filter(function (a) { return a !== original; })[0];
    if (context || original) {
      var row = document.createElement("span");
      row.className = "sco-tip-links";
      if (context) row.appendChild(link(context, "In context"));
      if (original) row.appendChild(link(original, "Original"));
      box.appendChild(row);
    }
    return box;
  }

  /* Anchor the box to the marker: below it, or above when there is more room there; inside the
     viewport; scrolling inside itself when neither side has room for all of it. */
  function place() {
    frame = 0;
    if (!tip || !current) return;
    var r = current.getBoundingClientRect();
    var vw = document.documentElement.clientWidth, vh = window.innerHeight;
    var width = Math.min(tip.offsetWidth, vw - 2 * MARGIN);
    var left = Math.max(MARGIN, Math.min(r.left - 12, vw - MARGIN - width));
    var below = vh - r.bottom - GAP - MARGIN, above = r.top - GAP - MARGIN;
    tip.style.maxHeight = "";
    var height = tip.offsetHeight, up = height > below && above > below;
    if (height > (up ? above : below)) {
      tip.style.maxHeight = Math.max(up ? above : below, 96) + "px";
      height = tip.offsetHeight;
    }
    tip.style.left = left + "px";
    tip.style.top = (up ? r.top - GAP - height : r.bottom + GAP) + "px";
    tip.classList.toggle("sco-tip-above", up);
  }
  function schedulePlace() {
    if (tip && !frame) frame = window.requestAnimationFrame(place);
  }

  function show(marker) {
    clearTimeout(hideTimer);
    if (current === marker) return;
    hide(false);
    tip = build(marker);
    if (!tip) return;
    marker.parentNode.insertBefore(tip, marker.nextSibling);
    marker.classList.add("sco-cite-open");
    current = marker;
    place();
  }
  function hide(restoreFocus) {
    clearTimeout(hideTimer);
    if (restoreFocus && current && inTip(document.activeElement)) current.focus();
    if (tip && tip.parentNode) tip.parentNode.removeChild(tip);
    if (current) current.classList.remove("sco-cite-open");
    tip = null;
    current = null;
  }
  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () {
      var focused = document.activeElement;
      if (focused !== current && !inTip(focused)) hide(false);
    }, HIDE_DELAY);
  }

  // Hover: a mouse (or pen) pointer only; touch's emulated mouse events are not listened to.
  document.addEventListener("pointerover", function (e) {
    if (e.pointerType === "touch") return;
    var m = markerOf(e.target);
    if (m) show(m);
    else if (inTip(e.target)) clearTimeout(hideTimer);
  });
  document.addEventListener("pointerout", function (e) {
    if (e.pointerType === "touch" || !tip) return;
    var from = e.target, to = e.relatedTarget;
    if ((from === current || current.contains(from) || inTip(from)) &&
        !(to && (to === current || current.contains(to) || inTip(to)))) hideSoon();
  });

  document.addEventListener("pointerdown", function (e) {
    pointerType = e.pointerType;
    pointerDownAt = Date.now();
    var m = markerOf(e.target);
    openAtDown = !!m && m === current;
  }, true);

  // Keyboard focus shows the box; focus given by a tap or click is left to the click handler.
  document.addEventListener("focusin", function (e) {
    var m = markerOf(e.target);
    if (m && Date.now() - pointerDownAt > 600) show(m);
    else if (!m && tip && !inTip(e.target)) hide(false);
  });
  document.addEventListener("focusout", function (e) {
    if (!tip) return;
    var to = e.relatedTarget;
    if ((markerOf(e.target) === current || inTip(e.target)) && !(to && (to === current || inTip(to)))) {
      if (!to) hideSoon(); else hide(false);
    }
  });

  document.addEventListener("keydown", function (e) {
    if ((e.key === "Escape" || e.key === "Esc") && tip) {
      hide(true);
      e.preventDefault();
    }
  });

  document.addEventListener("click", function (e) {
    var m = markerOf(e.target);
    if (!m) {
      if (tip && !inTip(e.target)) hide(false);
      return;
    }
    var type = e.pointerType || (Date.now() - pointerDownAt < 1000 ? pointerType : "");
    if ((type === "touch" || type === "pen") && !openAtDown) {
      // First tap: preview only. The second tap on the same marker follows it.
      e.preventDefault();
      show(m);
      return;
    }
    hide(false);
    reveal(entryOf(m));
  });

  window.addEventListener("scroll", schedulePlace, { passive: true, capture: true });
  window.addEventListener("resize", schedulePlace);
  window.addEventListener("hashchange", revealHash);

  /* Scrollable tables: focusable and named when (and only while) they scroll. */
  function scrollers() {
    var boxes = document.querySelectorAll(".md-typeset table, .md-typeset .md-typeset__scrollwrap");
    Array.prototype.forEach.call(boxes, function (box) {
      var style = getComputedStyle(box);
      var scrolls = (style.overflowX === "auto" || style.overflowX === "scroll") && box.scrollWidth > box.clientWidth + 1;
      if (scrolls === box.classList.contains("sco-scrolls")) return;
      box.classList.toggle("sco-scrolls", scrolls);
      if (scrolls) {
        box.setAttribute("tabindex", "0");
        if (box.tagName !== "TABLE") {
          var caption = box.querySelector("caption");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", (caption ? caption.textContent.trim() + ": " : "") + "table, scrolls sideways");
        }
      } else {
        box.removeAttribute("tabindex");
        if (box.getAttribute("role") === "region") {
          box.removeAttribute("role");
          box.removeAttribute("aria-label");
        }
      }
    });
  }
  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(scrollers, 150);
  });

  // Measuring the tables forces a layout: done after the page has loaded, not in the way of its first paint.
  function measureLater() {
    setTimeout(scrollers, 0);
  }
  if (document.readyState === "complete") measureLater();
  else window.addEventListener("load", measureLater);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", revealHash);
  else revealHash();
})();
