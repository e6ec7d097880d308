// Bundles the web client's sources (client/) and the vendored Preact and htm into one module the page loads:
// static/app/client.js, committed, so the server needs no Node to run. After changing client/, run
// `make web` (npm ci once, then this script); tests/web/test_web_bundle.py rebuilds it and compares.
//   node virtool_api/web/build.mjs [outfile]

import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const start = process.cwd();
const web = dirname(fileURLToPath(import.meta.url));
process.chdir(join(web, "..", "..")); // the paths in the bundle's comments are the same from any directory
const vendor = (path) => `./${relative(process.cwd(), join(web, "static", "vendor", path))}`;

await build({
  entryPoints: [join(web, "client", "main.js")],
  outfile: process.argv[2] ? resolve(start, process.argv[2]) : join(web, "static", "app", "client.js"),
  bundle: true,
  format: "esm",
  target: "es2020",
  charset: "utf8",
  legalComments: "none",
  logLevel: "warning",
  absWorkingDir: process.cwd(),
  alias: {
    "preact/hooks": vendor("preact-10.29.8/hooks.module.js"),
    preact: vendor("preact-10.29.8/preact.module.js"),
    htm: vendor("htm-3.1.1/htm.module.js"),
  },
});
