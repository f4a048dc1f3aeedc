// One Plotly chart of softmax_lab.ui.charts, drawn in the app's own page (components v2).
//
// Streamlit calls this function when the chart first mounts and again, with the same
// parentElement, whenever its figure changes; it keeps the element for as long as the
// chart's key stays the same. Every new figure is drawn with Plotly.react on the same div,
// in place: no new plot and no page reflow.
//
// plotly.js is this module's neighbour in the component's asset folder: plotly.js's own
// cartesian bundle, checked by the app (softmax_lab/ui/chart_assets.py). A module
// is evaluated once per page, so the script below is added once per browser tab and
// every chart, on every page of the app, waits on the same load.

const PLOTLY_URL = new URL("plotly-cartesian.min.js", import.meta.url).href;
const CONFIG = {
  displaylogo: false,
  responsive: true,
  modeBarButtonsToRemove: ["select2d", "lasso2d", "sendDataToCloud"],
};
const CHART_CLASS = "softmax-lab-chart";
let plotlyLoaded = null;

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  plotlyLoaded ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = PLOTLY_URL;
    script.onload = () =>
      window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js defined no Plotly"));
    script.onerror = () => {
      script.remove();
      plotlyLoaded = null; // the next chart tries again
      reject(new Error("cannot load " + PLOTLY_URL));
    };
    document.head.appendChild(script);
  });
  return plotlyLoaded;
}

// Until the first figure is drawn, hold its height and say so, rather than a blank gap
// that the chart then pushes the page down to fill.
function holdPlace(gd, spec) {
  const height = Math.ceil(JSON.parse(spec).layout.height || 450);
  gd.style.height = height + "px";
  const note = document.createElement("p");
  note.className = "softmax-lab-chart-loading";
  note.textContent = "Loading the chart…";
  note.style.cssText = "margin: 0; padding: 1rem 0; color: #808495; font-size: 14px;";
  gd.appendChild(note);
}

// Figures that arrive while one is drawing are coalesced: only the newest is drawn.
async function drain(gd) {
  gd.__drawing = true;
  try {
    if (gd.__shown === undefined) holdPlace(gd, gd.__latest);
    const Plotly = await loadPlotly();
    gd.querySelector(":scope > .softmax-lab-chart-loading")?.remove();
    while (gd.__latest !== null) {
      const spec = gd.__latest;
      gd.__latest = null;
      if (spec === gd.__shown) continue; // already on screen
      try {
        const fig = JSON.parse(spec);
        await Plotly.react(gd, fig.data, fig.layout, CONFIG);
        gd.__shown = spec;
        gd.style.height = Math.ceil(gd._fullLayout.height) + "px";
      } catch (err) {
        console.error("softmax_lab chart:", err);
      }
    }
  } catch (err) {
    console.error("softmax_lab chart:", err);
    gd.__latest = null;
    gd.textContent = "This chart could not load plotly.js.";
    gd.style.height = "";
  } finally {
    gd.__drawing = false;
    gd.dataset.state = "drawn"; // read by the browser tests and the benchmarks
  }
}

export default function render({ data, parentElement }) {
  let gd = parentElement.querySelector(`:scope > .${CHART_CLASS}`);
  if (gd === null) {
    gd = document.createElement("div");
    gd.className = CHART_CLASS;
    parentElement.appendChild(gd);
  }
  gd.__latest = data;
  gd.dataset.state = "drawing";
  if (!gd.__drawing) drain(gd);
  // Streamlit calls this when the chart leaves the page; it may also call it while the
  // element stays (a figure that replaced another before it was drawn): only a chart
  // that is no longer in the document is freed.
  return () => {
    setTimeout(() => {
      if (!gd.isConnected && window.Plotly) window.Plotly.purge(gd);
    }, 0);
  };
}
