// The console's page chrome: the navigation's Menu button on narrow screens (wide screens show
// the navigation and hide the button with CSS), and aria-current on the link of the page shown.
// No library; kept in the repo. Without JavaScript the navigation is simply always shown.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var toggle = document.getElementById("menu-toggle");
  var nav = document.getElementById("console-nav");
  if (!toggle || !nav) { return; }
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("open", open);
  });
  var path = location.pathname;
  Array.prototype.forEach.call(nav.querySelectorAll("a"), function (a) {
    var href = a.getAttribute("href");
    if (path === href || path.indexOf(href + "/") === 0) { a.setAttribute("aria-current", "page"); }
  });
})();
