/* Tap support for citation previews: on a touch screen the first tap on a marker opens its
   preview instead of jumping to the Sources list; a second tap (or a tap elsewhere) follows
   or closes it. Hover and keyboard focus need no script (CSS :hover / :focus-within). */
(function () {
  "use strict";
  var coarse = window.matchMedia && window.matchMedia("(hover: none)").matches;
  document.addEventListener("click", function (event) {
    var marker = event.target.closest ? event.target.closest("a.sco-cite") : null;
    var open = document.querySelectorAll(".sco-cite-wrap.sco-open");
    for (var i = 0; i < open.length; i++) {
      if (!marker || open[i] !== marker.parentNode) open[i].classList.remove("sco-open");
    }
    if (!marker || !coarse) return;
    var wrap = marker.parentNode;
    if (!wrap.classList.contains("sco-open")) {
      event.preventDefault();
      wrap.classList.add("sco-open");
    }
  });
})();
