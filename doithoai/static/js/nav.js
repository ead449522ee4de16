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
