/* A weak connection loses nothing (docs/technician-day.md).

   Every job form (form[data-draft]) keeps what is typed in localStorage, per visit and form,
   with the form's idempotency key, while it is edited. It is sent with fetch(): on a network
   error or a server error (5xx) the draft stays and "not sent — send again" shows, and the same
   key goes with every resend so the server records it once. On success the draft is cleared and
   the page the server answered is shown. Any other answer (bad input) is sent again as a plain
   form, with the same key, to show the messages next to the fields. */
(function () {
  "use strict";

  var job = document.querySelector(".field-job");
  if (!job || !window.localStorage || !window.fetch) return;
  var visit = job.dataset.visit;
  var banner = document.querySelector(".field-unsent");
  var SKIP = { csrfmiddlewaretoken: true };

  function storageKey(form) {
    return "aftersales.job." + visit + "." + form.dataset.draft;
  }

  function read(form) {
    try {
      return JSON.parse(localStorage.getItem(storageKey(form)) || "null");
    } catch (error) {
      return null;
    }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && !SKIP[element.name] && element.type !== "file" && element.type !== "submit";
    });
  }

  function write(form, unsent) {
    var values = {};
    fields(form).forEach(function (element) {
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) values[element.name] = element.value;
        else if (!(element.name in values)) values[element.name] = null;
      } else {
        values[element.name] = element.value;
      }
    });
    var previous = read(form);
    var draft = { values: values, unsent: unsent === undefined ? !!(previous && previous.unsent) : unsent };
    localStorage.setItem(storageKey(form), JSON.stringify(draft));
  }

  function restore(form) {
    var draft = read(form);
    if (!draft) return;
    fields(form).forEach(function (element) {
      if (!(element.name in draft.values)) return;
      var value = draft.values[element.name];
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = value !== null && element.value === value;
      } else if (value !== null) {
        element.value = value;
      }
    });
    var canvas = form.querySelector("canvas.signature-pad");
    var signature = form.querySelector("input[name=signature]");
    if (canvas && signature && signature.value && canvas.restore) canvas.restore(signature.value);
    if (draft.unsent) showUnsent(form);
  }

  function showUnsent(form) {
    if (banner) banner.hidden = false;
    form.classList.add("unsent");
    var button = form.querySelector("[type=submit]");
    if (button) {
      if (!button.dataset.label) button.dataset.label = button.textContent;
      button.textContent = banner ? banner.dataset.again || button.dataset.label : button.dataset.label;
    }
  }

  function clear(form) {
    localStorage.removeItem(storageKey(form));
  }

  function send(form, event) {
    event.preventDefault();
    write(form);
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Job-Draft": "1" },
    })
      .then(function (response) {
        if (response.status >= 500) throw new Error("server error " + response.status);
        if (response.ok) {
          return response.json().then(function (answer) {
            clear(form);
            window.location.assign(answer.location);
          });
        }
        /* Bad input: the server recorded nothing; show its messages with a plain submit. */
        write(form, false);
        form.submit();
      })
      .catch(function () {
        write(form, true);
        showUnsent(form);
        if (button) button.disabled = false;
      });
  }

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    restore(form);
    form.addEventListener("input", function () { write(form); });
    form.addEventListener("change", function () { write(form); });
    form.addEventListener("submit", function (event) { send(form, event); });
  });
})();
