// Zoom, pan and rotate a page image with its boxes (no library: CSS transforms on the
// page frame). Wheel or +/− zooms, dragging pans, ⟳ rotates, 1:1 resets; zoomToBox(box)
// brings a box to the middle at a readable size. The image is the full-resolution render,
// so zooming shows its real pixels.
(function () {
  "use strict";
  var MIN = 1, MAX = 8;
  var state = new WeakMap();

  function get(frame) {
    var s = state.get(frame);
    if (!s) { s = { s: 1, x: 0, y: 0, r: 0 }; state.set(frame, s); }
    return s;
  }

  function apply(frame) {
    var s = get(frame), w = frame.offsetWidth, h = frame.offsetHeight;
    // pan and zoom about the top-left corner, rotation about the page's centre
    frame.style.transform = "translate(" + s.x + "px," + s.y + "px) scale(" + s.s + ") translate(" + w / 2 + "px," +
      h / 2 + "px) rotate(" + s.r + "deg) translate(" + -w / 2 + "px," + -h / 2 + "px)";
    var fig = frame.closest("figure");
    fig.dataset.zoom = s.s.toFixed(2);
    fig.dataset.rotate = String(s.r);
    fig.classList.toggle("zoomed", s.s > 1 || s.r !== 0);
  }

  function clamp(frame) {
    var s = get(frame), w = frame.offsetWidth, h = frame.offsetHeight;
    s.x = Math.min(0, Math.max(w - w * s.s, s.x));
    s.y = Math.min(0, Math.max(h - h * s.s, s.y));
  }

  function zoomAt(frame, factor, px, py) {
    var s = get(frame), next = Math.min(MAX, Math.max(MIN, s.s * factor));
    // keep the point under the cursor where it is
    s.x = px - (px - s.x) * next / s.s;
    s.y = py - (py - s.y) * next / s.s;
    s.s = next;
    clamp(frame);
    apply(frame);
  }

  function frameOf(el) {
    var fig = el.closest("figure.page");
    return fig ? fig.querySelector(".page-frame") : null;
  }

  window.zoomToBox = function (box) {
    var frame = box.closest(".page-frame"), s = get(frame);
    var w = frame.offsetWidth, h = frame.offsetHeight;
    var left = parseFloat(box.style.left), top = parseFloat(box.style.top);
    var bw = parseFloat(box.style.width), bh = parseFloat(box.style.height);
    s.r = 0;
    s.s = Math.min(MAX, Math.max(2, 45 / Math.max(bw, 1)));
    s.x = w / 2 - s.s * (left + bw / 2) * w / 100;
    s.y = h / 2 - s.s * (top + bh / 2) * h / 100;
    clamp(frame);
    apply(frame);
    box.closest("figure").scrollIntoView({ behavior: "smooth", block: "center" });
    box.classList.add("hl");
    setTimeout(function () { box.classList.remove("hl"); }, 1500);
  };

  document.addEventListener("click", function (e) {
    var button = e.target.closest(".zoom-controls button");
    if (!button) return;
    var frame = frameOf(button), s = get(frame), w = frame.offsetWidth, h = frame.offsetHeight;
    var act = button.dataset.act;
    if (act === "in") zoomAt(frame, 1.5, w / 2, h / 2);
    else if (act === "out") zoomAt(frame, 1 / 1.5, w / 2, h / 2);
    else if (act === "rotate") { s.r = (s.r + 90) % 360; apply(frame); }
    else { s.s = 1; s.x = 0; s.y = 0; s.r = 0; apply(frame); }
  });

  document.addEventListener("wheel", function (e) {
    var frame = e.target.closest(".page-frame");
    if (!frame || !(e.ctrlKey || get(frame).s > 1)) return;  // plain wheel scrolls the pane until zoomed
    e.preventDefault();
    var rect = frame.parentElement.getBoundingClientRect();
    zoomAt(frame, e.deltaY < 0 ? 1.25 : 0.8, e.clientX - rect.left, e.clientY - rect.top);
  }, { passive: false });

  var drag = null;
  document.addEventListener("pointerdown", function (e) {
    var frame = e.target.closest(".page-frame");
    if (!frame || e.target.closest(".box") || get(frame).s <= 1) return;
    drag = { frame: frame, x: e.clientX, y: e.clientY, moved: false };
    frame.setPointerCapture(e.pointerId);
  });
  document.addEventListener("pointermove", function (e) {
    if (!drag) return;
    var s = get(drag.frame);
    s.x += e.clientX - drag.x;
    s.y += e.clientY - drag.y;
    drag.x = e.clientX;
    drag.y = e.clientY;
    clamp(drag.frame);
    apply(drag.frame);
  });
  document.addEventListener("pointerup", function () { drag = null; });
})();
