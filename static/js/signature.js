/* The customer's signature drawn on a <canvas class="signature-pad"> with a finger, a pen or a
   mouse (pointer events cover all three). Each stroke writes the drawing as a PNG data URL into
   the hidden field named by the canvas's data-target; "Clear" empties both. */
(function () {
  "use strict";

  function setUp(canvas) {
    var target = document.getElementById(canvas.dataset.target);
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;

    context.lineWidth = 4;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
      };
    }

    function save() {
      if (target) {
        target.value = drawn ? canvas.toDataURL("image/png") : "";
        target.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      var at = point(event);
      context.beginPath();
      context.moveTo(at.x, at.y);
      context.lineTo(at.x + 0.1, at.y + 0.1);
      context.stroke();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var at = point(event);
      context.lineTo(at.x, at.y);
      context.stroke();
    });
    function stop() {
      if (!drawing) return;
      drawing = false;
      save();
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    /* A draft restored after a reload (static/js/job_draft.js) shows again on the canvas. */
    canvas.restore = function (dataUrl) {
      if (!dataUrl) return;
      var image = new Image();
      image.onload = function () {
        context.drawImage(image, 0, 0);
        drawn = true;
      };
      image.src = dataUrl;
    };
    canvas.clear = function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      save();
    };
  }

  document.querySelectorAll("canvas.signature-pad").forEach(setUp);
  document.querySelectorAll(".signature-clear").forEach(function (button) {
    button.addEventListener("click", function () {
      var canvas = document.querySelector(button.dataset.canvas);
      if (canvas && canvas.clear) canvas.clear();
    });
  });
})();
