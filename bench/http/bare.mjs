// The HTTP benchmark's baseline: `GET /v2/products?limit=&offset=` on node:http and pg with
// nothing else, sending the statements Confetti sends for that request (bench/http.ts checks they
// are the same, from the server's statement log): the caller's admin account, the count, the page.
// Plain JavaScript run by plain node, so no loader or framework sits between the socket and pg.
//
//   DATABASE_URL=postgres://… PORT=0 node bench/http/bare.mjs      (prints "listening on <url>")
import { createServer } from "node:http"
import pg from "pg"

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) })
const environment = "development"

// Base64url JSON of the token's payload; the signature is not checked (Confetti checks it).
const userIdOf = (authorization) => {
  const token = (authorization ?? "").replace(/^bearer\s+/i, "")
  try {
    return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")).userId
  } catch {
    return undefined
  }
}

const camel = (name) => name.replace(/_+([a-z0-9])/g, (_, c) => c.toUpperCase())
const money = (v) => (v === null ? null : Number(v))

const product = (row) => {
  const out = {}
  for (const [k, v] of Object.entries(row)) {
    if (k === "environment" || k === "deleted_at") continue
    out[camel(k)] = v
  }
  out.price = money(row.price)
  out.cost = money(row.cost)
  out.msrp = money(row.msrp)
  out.isActive = row.status === "active"
  return out
}

const send = (res, status, body) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
  res.end(text)
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost")
  if (req.method !== "GET" || url.pathname !== "/v2/products") return send(res, 404, { success: false, error: "Not found" })
  const limit = Number(url.searchParams.get("limit") ?? 50)
  const offset = Number(url.searchParams.get("offset") ?? 0)
  const userId = userIdOf(req.headers.authorization)
  if (userId === undefined) return send(res, 401, { success: false, error: "Sign in first" })
  try {
    const admin = await pool.query(
      `select * from admin_users where environment = $1 and (id = $2::uuid or legacy_id = $3 or id = any(array(select target_id from id_map where entity = $4 and environment = $5 and scope = $6 and legacy_id = $7))) limit 1`,
      [environment, userId, userId, "admin_user", environment, "", userId]
    )
    if (admin.rows.length === 0 || admin.rows[0].status !== "active") return send(res, 401, { success: false, error: "Invalid token" })
    const count = await pool.query(`select count(*)::int as total from products where (environment = $1 and deleted_at is null)`, [environment])
    const page = await pool.query(
      `select * from products where (environment = $1 and deleted_at is null) order by created_at desc, id desc limit $2 offset $3`,
      [environment, limit, offset]
    )
    send(res, 200, { success: true, data: page.rows.map(product), total: count.rows[0].total })
  } catch (error) {
    send(res, 503, { success: false, error: String(error) })
  }
})

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`)
})

const stop = () => server.close(() => pool.end().then(() => process.exit(0)))
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
