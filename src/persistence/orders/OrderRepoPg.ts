/** Orders on the `orders` table: lines, timeline, address and metadata are jsonb columns. */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Effect, Layer, Schema } from "effect"
import { AppConfig, type Environment } from "../../Config.js"
import { type Conflict, NotFound } from "../../domain/Errors.js"
import { Order, type OrderFields, TimelineEvent } from "../../domain/orders/Order.js"
import { escapeLike } from "../kv/KvStore.js"
import type { Json } from "../legacy/Legacy.js"
import { addressOf, linesOf, timelineOf } from "./OrderLegacy.js"
import * as PgTable from "../pg/PgTable.js"
import * as StoredRows from "../pg/StoredRows.js"
import { isConstraint, orUnavailable } from "../pg/SqlErrors.js"
import { Entity, numberInUse, type OrderFilter, type OrderHolder, OrderRepo, type OrderRepoShape } from "../../domain/orders/OrderRepo.js"

const encodeTimeline = Schema.encodeSync(Schema.Array(TimelineEvent))

/**
 * numeric comes back as text; lines and address are read in every shape they were stored in
 * (the old platform wrote `{product_id, quantity, unit_price}` and `{name, line1, postal_code}`).
 */
const fromRow = (row: Record<string, unknown>) => {
  // The old platform kept the timeline and the carrier in `metadata` (peer-schema.md §12); the
  // metadata itself is returned as stored.
  const metadata = (row.metadata ?? {}) as Record<string, Json>
  const stored = Array.isArray(row.timeline) ? row.timeline : []
  const timeline = stored.length === 0 && Array.isArray(metadata.timeline)
    ? encodeTimeline(timelineOf(metadata.timeline, DateTime.unsafeFromDate(row.createdAt as Date)))
    : row.timeline
  const carrier = row.carrier ?? (typeof metadata.carrier === "string" && metadata.carrier !== "" ? metadata.carrier : null)
  // A value in a shape no reader knows is set aside (served under `undecoded`), never read as empty.
  const unknown: Record<string, unknown> = {}
  const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v)
  const items = StoredRows.knownOr(
    unknown, "items", row.items,
    row.items == null || (Array.isArray(row.items) && row.items.every(isObject)),
    () => linesOf(row.items as Json), []
  )
  const shippingAddress = StoredRows.knownOr(
    unknown, "shippingAddress", row.shippingAddress, row.shippingAddress == null || isObject(row.shippingAddress),
    () => addressOf(row.shippingAddress as Json), addressOf(null)
  )
  return {
    ...row,
    totalAmount: row.totalAmount === null ? null : Number(row.totalAmount),
    items,
    shippingAddress,
    timeline,
    carrier,
    [StoredRows.UnknownShapes]: unknown
  }
}

/** The denormalised columns (`quantity`) follow the lines; the timeline is stored encoded. */
const toColumns = (fields: Record<string, unknown>) => {
  const columns: Record<string, unknown> = { ...fields }
  if (Array.isArray(fields.items)) {
    columns.quantity = Math.max(1, (fields.items as ReadonlyArray<{ quantity: number }>).reduce((n, i) => n + i.quantity, 0))
  }
  if (fields.timeline !== undefined) columns.timeline = encodeTimeline(fields.timeline as ReadonlyArray<TimelineEvent>)
  return columns
}

/** The table as the repository reads and writes it (also read by the data migration's verify). */
export const table = (sql: SqlClient.SqlClient, environment: Environment) =>
  PgTable.make({ sql, table: "orders", entity: Entity, idMapEntity: "order", schema: Order, environment, fromRow, toColumns })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const orders = table(sql, environment)

  /** Orders with a line for any of the product's ids (`product_id` is the first line's). */
  const onProduct = (ids: ReadonlyArray<string>) =>
    sql`(product_id = any(${[...ids]}::text[]) or exists (
      select 1 from jsonb_array_elements(items) as line where line->>'productId' = any(${[...ids]}::text[])))`

  const conditions = (filter: OrderFilter) => {
    const clauses = [sql`deleted_at is null`]
    const any = (column: string, ids: ReadonlyArray<string> | undefined) => {
      if (ids !== undefined) clauses.push(PgTable.oneOf(sql, column, ids))
    }
    any("client_id", filter.clientIds)
    any("site_id", filter.siteIds)
    if (filter.productIds !== undefined) clauses.push(onProduct(filter.productIds))
    any("employee_id", filter.employeeIds)
    if (filter.customerEmail !== undefined) clauses.push(sql`customer_email = ${filter.customerEmail.toLowerCase()}`)
    if (filter.status !== undefined) clauses.push(sql`status = ${filter.status}`)
    if (filter.search !== undefined && filter.search !== "") {
      const p = `%${escapeLike(filter.search)}%`
      clauses.push(sql`(order_number ilike ${p} escape '\\' or customer_email ilike ${p} escape '\\' or tracking_number ilike ${p} escape '\\')`)
    }
    if (filter.from !== undefined) clauses.push(sql`created_at >= ${DateTime.toDate(filter.from)}`)
    if (filter.to !== undefined) clauses.push(sql`created_at <= ${DateTime.toDate(filter.to)}`)
    return clauses
  }

  const live = (id: string, forUpdate = false) => orders.find(id, sql`deleted_at is null`, forUpdate)

  const modify = <E, R>(id: string, change: (current: Order) => Effect.Effect<Partial<OrderFields>, E, R>) =>
    orUnavailable(
      sql.withTransaction(
        Effect.gen(function*() {
          const current = yield* live(id, true)
          const fields = yield* change(current)
          return yield* orders.update(current.id, { ...fields, updatedAt: yield* DateTime.now })
        })
      )
    )

  const span = (name: string) => Effect.withSpan(`OrderRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: OrderRepoShape = {
    list: (query) => orUnavailable(orders.page(conditions(query), sql`created_at desc, id desc`, query)).pipe(span("list")),

    holders: (query) =>
      orUnavailable(
        sql<OrderHolder>`
          select id::text as id, site_id, employee_id, customer_email, status from orders
          where ${
          orders.where([
            sql`deleted_at is null`,
            PgTable.oneOf(sql, "site_id", query.siteIds),
            ...(query.excludeStatuses.length === 0 ? [] : [sql`status <> all(${[...query.excludeStatuses]}::text[])`]),
            ...(query.after === undefined ? [] : [sql`id > ${query.after}::uuid`])
          ])
        } order by id limit ${query.limit}`
      ).pipe(span("holders")),

    countByProduct: (filter) =>
      orUnavailable(
        sql<{ productId: string; orders: number }>`select product_id, count(*)::int as orders from orders
          where ${orders.where([...conditions(filter), sql`product_id is not null`])}
          group by product_id order by orders desc, product_id collate "C"`
      ).pipe(span("countByProduct")),

    stats: (filter) =>
      orUnavailable(
        sql<Record<string, number>>`select
            count(*)::int as total,
            count(*) filter (where status = 'pending')::int as pending,
            count(*) filter (where status = 'confirmed')::int as confirmed,
            count(*) filter (where status = 'processing')::int as processing,
            count(*) filter (where status = 'shipped')::int as shipped,
            count(*) filter (where status = 'delivered')::int as delivered,
            count(*) filter (where status = 'cancelled')::int as cancelled,
            count(*) filter (where status = 'failed')::int as failed,
            coalesce(sum(total_amount) filter (where status not in ('cancelled', 'failed')), 0)::float8 as total_revenue
          from orders where ${orders.where(conditions(filter))}`.pipe(
          Effect.map(([row]) => ({
            total: row!.total!,
            pending: row!.pending!,
            confirmed: row!.confirmed!,
            processing: row!.processing!,
            shipped: row!.shipped!,
            delivered: row!.delivered!,
            cancelled: row!.cancelled!,
            failed: row!.failed!,
            totalRevenue: Math.round(row!.totalRevenue! * 100) / 100
          }))
        )
      ).pipe(span("stats")),

    findById: (id) => orUnavailable(live(id)).pipe(span("findById")),

    findByNumber: (orderNumber) =>
      orUnavailable(
        orders.rows(sql`select * from orders where ${
          orders.where([sql`order_number = ${orderNumber}`, sql`deleted_at is null`])
        } order by created_at desc, id desc limit 1`).pipe(
          Effect.flatMap((found) => found.length > 0 ? Effect.succeed(found[0]!) : Effect.fail(NotFound.of(Entity, orderNumber)))
        )
      ).pipe(span("findByNumber")),

    countBy: (reference, ids) =>
      orUnavailable(
        sql<{ n: number }>`select count(*)::int as n from orders where ${
          orders.where([
            sql`deleted_at is null`,
            reference === "product" ? onProduct(ids) : sql`${sql(`${reference}_id`)} = any(${[...ids]}::text[])`
          ])
        }`.pipe(Effect.map((rows) => rows[0]?.n ?? 0))
      ).pipe(span("countBy")),

    create: (fields) =>
      orUnavailable(
        Effect.flatMap(DateTime.now, (now) =>
          orders.insert({ ...fields, createdAt: now, updatedAt: now }).pipe(
            Effect.catchAll((error): Effect.Effect<never, Conflict | SqlError> =>
              isConstraint(error, "orders_number_unique") ? Effect.fail(numberInUse(fields.orderNumber)) : Effect.fail(error)
            )
          ))
      ).pipe(span("create")),

    update: (id, fields) => modify(id, () => Effect.succeed(fields)).pipe(span("update")),

    modify: (id, change) => modify(id, change).pipe(span("modify")),

    delete: (id) => orUnavailable(Effect.flatMap(live(id), (current) => orders.remove(current.id))).pipe(span("delete")),

    importLegacy: (records) =>
      orUnavailable(
        sql.withTransaction(
          orders.importRecords(records.map((record) => {
            const { id: _id, legacyId: _legacyId, ...fields } = record.order
            return { legacyId: record.legacyId, aliases: record.aliases, legacyFields: record.legacyFields, row: fields }
          }))
        ).pipe(Effect.asVoid)
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<OrderRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(OrderRepo, make)
