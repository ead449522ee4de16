// The header's menu on a phone: folded behind one button once scripts run (without them everything stays shown).
(function () {
  var button = document.querySelector(".nav-toggle");
  var tools = document.getElementById("cong-cu");
  if (!button || !tools) return;
  document.documentElement.classList.add("nav-js");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    tools.classList.toggle("is-open", open);
  });
})();

// The account menu (a <details>) closes on Escape and on a click elsewhere, as a menu does.
(function () {
  var menu = document.querySelector(".account-menu");
  if (!menu) return;
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
})();
