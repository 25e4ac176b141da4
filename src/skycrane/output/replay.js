// skycrane replay: the scrubber, the play button and the per-body toggles of a replay page.
// Reads the page's JSON data (script#skycrane-replay-data, written by skycrane.output.replay),
// draws the two Plotly figures and moves every body's marker to the chosen frame.
(function () {
  "use strict";
  var root = document.getElementById("skycrane-replay");
  var data = JSON.parse(document.getElementById("skycrane-replay-data").textContent);
  var g3 = document.getElementById("replay-3d");
  var gp = document.getElementById("replay-plan");
  var scrub = document.getElementById("replay-scrubber");
  var play = document.getElementById("replay-play");
  var jump = document.getElementById("replay-jump");
  var config = { displaylogo: false, responsive: true, showLink: false, showSendToCloud: false };
  var frame = 0;
  var timer = null;
  var hidden = {};

  function field(name) {
    return root.querySelector('[data-field="' + name + '"]');
  }

  function markerUpdate(which, k) {
    // new x, y (and z) of every body's marker trace in figure `which` at frame k
    var upd = { x: [], y: [] };
    var idx = [];
    if (which === "3d") {
      upd.z = [];
    }
    data.bodies.forEach(function (b) {
      var t = b.traces[which];
      if (!t || t.marker === undefined) {
        return;
      }
      var p = b.pos[k];
      var show = p !== null && (which === "plan" || b.in3d[k] === 1);
      idx.push(t.marker);
      upd.x.push(show ? [p[0]] : []);
      upd.y.push(show ? [p[1]] : []);
      if (which === "3d") {
        upd.z.push(show ? [p[2]] : []);
      }
    });
    return [upd, idx];
  }

  function show(k) {
    k = Math.max(0, Math.min(data.frames.t_s.length - 1, k | 0));
    frame = k;
    scrub.value = String(k);
    var f = data.frames;
    field("time").textContent = f.time_text[k];
    field("event").textContent = f.event_text[k];
    field("height").textContent = f.height_text[k];
    field("speed").textContent = f.speed_text[k];
    field("mach").textContent = f.mach_text[k];
    root.setAttribute("data-frame", String(k));
    root.setAttribute("data-t", String(f.t_s[k]));
    data.bodies.forEach(function (b) {
      var row = root.querySelector('tr[data-body="' + b.name + '"]');
      if (row) {
        row.querySelector('[data-field="state"]').textContent = data.state_text[b.state[k]];
        var p = b.pos[k];
        row.querySelector('[data-field="body-height"]').textContent =
          p === null ? "" : (p[2] * 1000).toFixed(0);
        row.setAttribute("data-state", data.state_text[b.state[k]]);
      }
    });
    var u3 = markerUpdate("3d", k);
    var up = markerUpdate("plan", k);
    var done = [];
    if (u3[1].length) {
      done.push(Plotly.restyle(g3, u3[0], u3[1]));
    }
    if (up[1].length) {
      done.push(Plotly.restyle(gp, up[0], up[1]));
    }
    return Promise.all(done).then(function () {
      root.setAttribute("data-shown", String(k));
    });
  }

  function setBody(name, visible) {
    // show or hide every trace of one body in both figures
    hidden[name] = !visible;
    data.bodies.forEach(function (b) {
      if (b.name !== name) {
        return;
      }
      [
        ["3d", g3],
        ["plan", gp],
      ].forEach(function (pair) {
        var t = b.traces[pair[0]];
        if (!t) {
          return;
        }
        var idx = t.all;
        if (idx.length) {
          Plotly.restyle(pair[1], { visible: visible ? true : "legendonly" }, idx);
        }
      });
      var box = root.querySelector('input[data-toggle="' + name + '"]');
      if (box) {
        box.checked = visible;
      }
    });
    root.setAttribute(
      "data-hidden",
      Object.keys(hidden)
        .filter(function (n) {
          return hidden[n];
        })
        .join(" ")
    );
  }

  function stop() {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
    play.textContent = "\u25B6 play";
    root.setAttribute("data-playing", "no");
  }

  function start() {
    if (frame >= data.frames.t_s.length - 1) {
      show(0);
    }
    play.textContent = "\u275A\u275A pause";
    root.setAttribute("data-playing", "yes");
    timer = setInterval(function () {
      if (frame >= data.frames.t_s.length - 1) {
        stop();
        return;
      }
      show(frame + 1);
    }, data.play_interval_ms);
  }

  var isBody = {};
  data.bodies.forEach(function (b) {
    isBody[b.name] = true;
  });

  function legendClick(gd) {
    // a click on a body's legend entry toggles the body in both figures; on another entry
    // (the events), that trace alone
    return function (ev) {
      var trace = ev.data[ev.curveNumber];
      var name = trace.legendgroup;
      if (name && isBody[name]) {
        setBody(name, !!hidden[name]);
      } else {
        var shown = trace.visible === undefined || trace.visible === true;
        Plotly.restyle(gd, { visible: shown ? "legendonly" : true }, [ev.curveNumber]);
      }
      return false;
    };
  }

  Promise.all([
    Plotly.newPlot(g3, data.fig3d.data, data.fig3d.layout, config),
    Plotly.newPlot(gp, data.plan.data, data.plan.layout, config),
  ]).then(function () {
    g3.on("plotly_legendclick", legendClick(g3));
    gp.on("plotly_legendclick", legendClick(gp));
    scrub.addEventListener("input", function () {
      stop();
      show(parseInt(scrub.value, 10));
    });
    play.addEventListener("click", function () {
      if (timer === null) {
        start();
      } else {
        stop();
      }
    });
    jump.addEventListener("change", function () {
      stop();
      if (jump.value !== "") {
        show(parseInt(jump.value, 10));
      }
    });
    root.querySelectorAll("input[data-toggle]").forEach(function (box) {
      box.addEventListener("change", function () {
        setBody(box.getAttribute("data-toggle"), box.checked);
      });
    });
    return show(data.initial_frame);
  }).then(function () {
    root.setAttribute("data-ready", "yes");
  });
})();
