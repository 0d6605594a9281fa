// dagre is loaded by a classic <script> from /assets/vendor/dagre.min.js (shipped in
// node_modules, no CDN) and defines this global.
declare const dagre: typeof import('@dagrejs/dagre');
// uPlot draws the charts; loaded the same way from /assets/vendor/uPlot.iife.min.js.
declare const uPlot: typeof import('uplot');
type uPlot = import('uplot');
declare namespace uPlot {
  type AlignedData = import('uplot').AlignedData;
}
