// Requests made by a polling trigger (hx-trigger="every 2s") are marked, so that they do not count as the user's
// activity and an idle session still ends (doithoai/lib/staff_session.py).
document.addEventListener("htmx:configRequest", function (event) {
  var trigger = event.detail.elt && event.detail.elt.getAttribute("hx-trigger");
  if (trigger && /(^|,)\s*every\s/.test(trigger)) {
    event.detail.headers["X-Doithoai-Poll"] = "1";
  }
});
