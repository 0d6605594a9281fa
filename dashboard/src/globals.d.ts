// dagre is loaded by a classic <script> from /assets/vendor/dagre.min.js (shipped in
// node_modules, no CDN) and defines this global.
declare const dagre: typeof import('@dagrejs/dagre');
