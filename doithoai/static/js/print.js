// The print button of a receipt: shown and wired only when scripts run (the page says how to print without it).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
