// The dashboard's filters (templates/dashboard/_filters.html):
//   typing a start or end date switches the period to "custom";
//   choosing another breakdown dimension forgets the value chosen for the old one and reloads.
"use strict";

document.addEventListener("change", function (event) {
  var field = event.target;
  if (!field.form) {
    return;
  }
  if (field.matches("[data-custom-range]")) {
    field.form.elements.range.value = "custom";
  } else if (field.matches("[data-dimension]")) {
    field.form.elements.value.value = "";
    field.form.submit();
  }
});
