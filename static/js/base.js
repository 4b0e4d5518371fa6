// Behaviours every page shares, kept out of the templates so the content security policy can
// forbid inline script (aftersales/settings/security.py, CONTENT_SECURITY_POLICY).
//   <select data-autosubmit>  sends its form as soon as another option is chosen
//   <button data-print>       opens the print dialog
"use strict";

document.addEventListener("change", function (event) {
  var field = event.target.closest("[data-autosubmit]");
  if (field && field.form) {
    field.form.submit();
  }
});

document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
