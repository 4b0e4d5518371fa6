// The desk's htmx requests carry the CSRF token from the page's hidden input, so the CSRF
// cookie can stay HttpOnly (CSRF_COOKIE_HTTPONLY).
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });
});
