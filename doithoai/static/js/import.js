// The import preview's confirm button says what it will do as the boxes are ticked: how many rows, how many of
// them duplicates the user confirmed, and that rows in error must be skipped first. The patterns and the counts
// come from the page (import_forms.commit_label words it the same way on the server); without this script the
// button states the rule in words instead of a count it cannot know.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-commit]");
  var button = form && form.querySelector("[data-commit-button]");
  if (!button) return;
  var words = JSON.parse(form.getAttribute("data-commit"));

  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function update() {
    var confirmed = form.querySelectorAll('input[name="confirm"]:checked').length;
    var skip = form.querySelector('input[name="skip_errors"]');
    var count = words.fresh + confirmed;
    var text;
    if (!count) {
      text = words.nothing;
    } else {
      text = fill(confirmed ? words.confirmed : words.plain, { n: count, c: confirmed });
      if (words.errors && !(skip && skip.checked)) text = fill(words.needs_skip, { label: text, e: words.errors });
    }
    button.textContent = text;
  }

  form.addEventListener("change", update);
  update();
});
