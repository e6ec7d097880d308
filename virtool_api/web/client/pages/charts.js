// Quality charts of a sample, drawn with the vendored uPlot, which is loaded only when a chart is shown.
import { html, useEffect, useMemo, useRef, useState } from "../html.js";
import { ErrorMessage, formatNumber } from "../ui.js";

const UPLOT = "/static/vendor/uplot-1.6.32";
let loading = null;

function loadUplot() {
  if (loading) return loading;
  loading = new Promise((resolve, reject) => {
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = `${UPLOT}/uPlot.min.css`;
    document.head.appendChild(style);
    const script = document.createElement("script");
    script.src = `${UPLOT}/uPlot.iife.min.js`;
    script.onload = () => resolve(window.uPlot);
    script.onerror = () => reject(new Error("The chart library could not be loaded."));
    document.head.appendChild(script);
  });
  return loading;
}

const COLORS = ["#1d6f5f", "#c2571a", "#3562a8", "#9b2f83", "#6b7d1e", "#7a5c3a"];

/** Whole-number tick steps: positions, quality scores and read counts have no halves. */
const WHOLE = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2.5e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7,
];
const wholeAxis = (label) => ({
  label,
  incrs: WHOLE,
  values: (_, splits) => splits.map((value) => value.toLocaleString()),
});

function Chart({ title, xLabel, yLabel, x, series, bars = false, wholeY = false }) {
  const target = useRef(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let chart = null;
    let resize = null;
    let cancelled = false;
    loadUplot().then((uPlot) => {
      if (cancelled || !target.current) return;
      // As wide as its card, and again whenever the card changes width.
      const width = Math.max(320, target.current.clientWidth || 640);
      const paths = bars ? uPlot.paths.bars({ size: [0.8, 40] }) : undefined;
      chart = new uPlot(
        {
          width,
          height: 260,
          scales: { x: { time: false } },
          axes: [wholeAxis(xLabel), wholeY ? wholeAxis(yLabel) : { label: yLabel }],
          series: [
            { label: xLabel },
            ...series.map((item, index) => ({
              label: item.label,
              stroke: COLORS[index % COLORS.length],
              width: 1.5,
              fill: bars ? `${COLORS[index % COLORS.length]}99` : undefined,
              paths,
            })),
          ],
        },
        [x, ...series.map((item) => item.values)],
        target.current,
      );
      resize = new ResizeObserver(() => {
        const next = Math.max(320, target.current?.clientWidth || 0);
        if (chart && next !== chart.width) chart.setSize({ width: next, height: 260 });
      });
      resize.observe(target.current);
    }, setError);
    return () => {
      cancelled = true;
      resize?.disconnect();
      if (chart) chart.destroy();
    };
  }, [x, series]);
  return html`<figure class="chart"><figcaption>${title}</figcaption><div ref=${target} role="img" aria-label=${title}></div>${error ? html`<${ErrorMessage} error=${error} />` : null}</figure>`;
}

/** Per-base quality, nucleotide composition and quality score distribution, plus GC and read length. */
export function QualityCharts({ quality }) {
  const { positions, baseSeries, nucleotides, scores, counts } = useMemo(() => {
    const column = (rows, index) => rows.map((row) => row[index]);
    return {
      positions: quality.bases.map((_, index) => index + 1),
      baseSeries: ["Mean", "Median", "Lower quartile", "Upper quartile", "10th percentile", "90th percentile"].map(
        (label, index) => ({ label, values: column(quality.bases, index) }),
      ),
      nucleotides: ["G", "A", "T", "C"].map((label, index) => ({ label, values: column(quality.composition, index) })),
      scores: quality.sequences.map((_, index) => index),
      counts: [{ label: "Reads", values: quality.sequences }],
    };
  }, [quality]);
  const gc = Number(quality.gc);
  return html`<div class="quality">
    <div class="stats">
      <div class="stat"><span class="value">${formatNumber(quality.count)}</span><span class="label">reads</span></div>
      <div class="stat"><span class="value">${quality.length[0]}–${quality.length[1]}</span><span class="label">read length (bases)</span></div>
      <div class="stat"><span class="value">${formatNumber(gc, 1)}%</span><span class="label">GC content</span>
        <span class="gc-bar" role="img" aria-label=${`GC ${gc}%, AT ${100 - gc}%`}><span style=${{ width: `${gc}%` }}></span></span></div>
      <div class="stat"><span class="value">${quality.encoding}</span><span class="label">encoding</span></div>
    </div>
    <${Chart} title="Quality by position in the read" xLabel="Position (bp)" yLabel="Phred quality" x=${positions} series=${baseSeries} />
    <${Chart} title="Nucleotide composition by position" xLabel="Position (bp)" yLabel="Percent" x=${positions} series=${nucleotides} />
    <${Chart} title="Reads by mean quality score" xLabel="Mean Phred quality" yLabel="Reads" x=${scores} series=${counts} bars=${true} wholeY=${true} />
  </div>`;
}
