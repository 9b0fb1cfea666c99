/* Citation previews. Each marker [n] links to entry n of the page's Sources list; hovering,
   focusing or tapping it shows that entry (the quote and who said it) beside the marker, so the
   quote's text is in the page once. On a touch screen the first tap previews and a second tap
   follows the link. Without JavaScript the marker is still a plain link to the entry. */
(function () {
  "use strict";
  var tip = null, current = null;
  var lastPointer = "mouse", openAtDown = false;

  function build(marker) {
    var entry = document.getElementById(marker.getAttribute("href").slice(1));
    if (!entry) return null;
    var box = document.createElement("span");
    box.className = "sco-tip";
    box.setAttribute("role", "tooltip");
    var quote = entry.querySelector("q"), by = entry.querySelector(".sco-by");
    var text = document.createElement("span");
    text.className = "sco-tip-text";
    text.textContent = "\u201c" + (quote ? quote.textContent : "") + "\u201d";
    var who = document.createElement("span");
    who.className = "sco-tip-by";
    who.textContent = by ? by.textContent : "";
    box.appendChild(text);
    box.appendChild(who);
    return box;
  }
  function show(marker) {
    if (current === marker) return;
    hide();
    tip = build(marker);
    if (!tip) return;
    marker.parentNode.insertBefore(tip, marker.nextSibling);
    marker.classList.add("sco-cite-open");
    current = marker;
  }
  function hide() {
    if (tip && tip.parentNode) tip.parentNode.removeChild(tip);
    if (current) current.classList.remove("sco-cite-open");
    tip = null;
    current = null;
  }
  function marker(event) {
    return event.target.closest ? event.target.closest("a.sco-cite") : null;
  }
  document.addEventListener("mouseover", function (e) { var m = marker(e); if (m) show(m); });
  document.addEventListener("mouseout", function (e) {
    var m = marker(e);
    if (m && lastPointer !== "touch" && document.activeElement !== m) hide();
  });
  document.addEventListener("pointerdown", function (e) {
    lastPointer = e.pointerType;
    var m = marker(e);
    openAtDown = !!m && current === m;
  }, true);
  document.addEventListener("focusin", function (e) { var m = marker(e); if (m) show(m); });
  document.addEventListener("focusout", function (e) { if (marker(e)) hide(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  document.addEventListener("click", function (e) {
    var m = marker(e);
    if (!m) { hide(); return; }
    if (lastPointer === "touch" && !openAtDown) { e.preventDefault(); show(m); }
  });
})();
