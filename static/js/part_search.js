/* Parts used on a job: as the part number or name is typed, the list offers the parts in stock at
   the visit's station that match (the form's data-parts-url answers them as JSON). */
(function () {
  "use strict";

  var form = document.querySelector("form[data-parts-url]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=part_number]");
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;

  function fill(results) {
    while (list.firstChild) list.removeChild(list.firstChild);
    results.forEach(function (row) {
      var option = document.createElement("option");
      option.value = row.number;
      option.textContent = row.name + " · " + row.free;
      list.appendChild(option);
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = form.dataset.partsUrl + "?q=" + encodeURIComponent(input.value.trim());
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { fill(data.results || []); })
        .catch(function () { /* offline: keep the list the page came with */ });
    }, 250);
  });
})();
