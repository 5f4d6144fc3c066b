// Choosing another letter language shows that language's letter at once. The form posts itself with the
// "language" action, so everything the supporter typed comes back filled in. Without JavaScript the
// "Show the letter in this language" button does the same.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-language-load]");
  const select = document.querySelector("select[name=language]");
  if (!button || !select) return;
  button.style.display = "none";
  select.addEventListener("change", () => button.form.requestSubmit(button));
});
