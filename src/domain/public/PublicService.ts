/**
 * The employee-facing flow (peer-api §4): an employee proves access to an active site (e-mail,
 * HR number, serial card, or a magic link sent by e-mail), gets a session, sees the site's
 * resolved catalogue inside its selection window, and places real orders through `OrderService`
 * (so they show on the dashboard and `/v2/orders` at once), at most `giftsPerUser` of them, and
 * reads back only their own. The flow acts as the system towards the other domain services.
 */
import { DateTime, Duration, Effect, Either, Option } from "effect"
import { AppConfig } from "../../Config.js"
import { Mailer } from "../mail/Mailer.js"
import { AutomationRuleRepo } from "../automation/AutomationRuleRepo.js"
import type { EmailTemplateRepo } from "../emailTemplates/EmailTemplateRepo.js"
import type { EmailTemplateService } from "../emailTemplates/EmailTemplateService.js"
import { DomainEvents } from "../events/DomainEvents.js"
import { type Content, messageOf, TemplateEventOf, templateFor, withLibraryNames } from "../events/Notifications.js"
import { ClientRepo } from "../clients/ClientRepo.js"
import { Attempts } from "../auth/Attempts.js"
import { EmployeeAccessRepo } from "../employeeAccess/EmployeeAccessRepo.js"
import { EmployeeRepo } from "../employees/EmployeeRepo.js"
import { OrderRepo } from "../orders/OrderRepo.js"
import { ProductRepo } from "../products/ProductRepo.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import { Transactions } from "../Transactions.js"
import { asSystem } from "../access/Principal.js"
import { escapeHtml } from "../emailTemplates/Render.js"
import { type Employee, fullName } from "../employees/Employee.js"
import { Conflict, Forbidden, InvalidReference, NotFound, type StorageUnavailable, TooManyRequests, Unauthorized, ValidationError } from "../Errors.js"
import type { Order } from "../orders/Order.js"
import { OrderService } from "../orders/OrderService.js"
import type { Product } from "../products/Product.js"
import { ifFound, namesOf } from "../References.js"
import type { Gift } from "../siteCatalog/Resolution.js"
import { SiteCatalogService } from "../siteCatalog/SiteCatalogService.js"
import type { Site, ValidationMethod } from "../sites/Site.js"
import { toLive } from "../sites/SiteService.js"
import {
  AccessDenied,
  FieldOf,
  GiftLimitReached,
  hashToken,
  MagicLinkInvalid,
  MaxTokenLength,
  newToken,
  type PlaceOrder,
  SelectionClosed,
  type Session,
  type ValidateEmployee
} from "./Public.js"

/** The employee app's spelling of each method (`site.settings.validationMethod`). */
const AppSpelling: Readonly<Record<ValidationMethod, string>> = {
  email: "email",
  employeeId: "employee_id",
  serialCard: "serial_card",
  magicLink: "magic_link"
}

const iso = (dt: DateTime.Utc) => DateTime.formatIso(dt)
const isoOrNull = (dt: DateTime.Utc | null) => (dt === null ? null : iso(dt))

/** The same answer whether or not the address belongs to anyone: it must not tell which. */
export const MagicLinkSent = "If this e-mail address belongs to an employee with access to this site, a sign-in link is on its way."

/** "1 hour", "90 minutes": how long a link lasts, for the e-mail. */
const spoken = (duration: Duration.Duration) => {
  const minutes = Math.max(1, Math.round(Duration.toMinutes(duration)))
  const [n, unit] = minutes % 60 === 0 ? [minutes / 60, "hour"] : [minutes, "minute"]
  return `${n} ${unit}${n === 1 ? "" : "s"}`
}

/** A template that leaves out `{{magicLink}}` still signs the employee in: the link is added below, in each body lacking it. */
const withLink = (message: { readonly subject: string; readonly text: string; readonly html?: string }, link: string) => ({
  ...message,
  text: message.text.includes(link) ? message.text : `${message.text}\n\nSign in with this link:\n${link}\n`,
  ...(message.html === undefined || message.html.includes(escapeHtml(link))
    ? {}
    : { html: `${message.html}<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` })
})

const denied = () => new AccessDenied({ error: "Employee not found or inactive" })

/** A site as employees see it: the published values, without the internal account fields. */
export const publicSite = (site: Site) => {
  const live = toLive(site)
  return {
    id: live.id,
    clientId: live.clientId,
    name: live.name,
    description: live.description,
    slug: live.slug,
    status: live.status,
    validationMethods: live.validationMethods,
    branding: live.branding,
    brandingOverrides: live.brandingOverrides,
    brandId: live.brandId,
    selectionStartDate: live.selectionStartDate,
    selectionEndDate: live.selectionEndDate,
    availableLanguages: live.availableLanguages,
    translations: live.translations,
    siteCelebrationsEnabled: live.siteCelebrationsEnabled,
    allowSessionTimeoutExtend: live.allowSessionTimeoutExtend,
    disableDirectAccessAuth: live.disableDirectAccessAuth,
    ssoProvider: live.ssoProvider,
    settings: { ...live.settings, validationMethod: AppSpelling[live.validationMethods[0] ?? "email"] },
    createdAt: live.createdAt,
    updatedAt: live.updatedAt
  }
}

const employeeView = (employee: Employee) => ({ id: employee.id, name: fullName(employee) ?? "", email: employee.email })

/** A resolved gift as the gift selection page reads it (peer-api §4.3), at the site's price. */
const giftView = (gift: Gift<Product>) => {
  const available = gift.status === "active" && (!gift.trackInventory || gift.availableQuantity > 0)
  return {
    id: gift.id,
    sku: gift.sku,
    name: gift.name,
    description: gift.description,
    longDescription: gift.longDescription,
    category: gift.category,
    brand: gift.brand,
    tags: gift.tags,
    imageUrl: gift.imageUrl ?? gift.images[0] ?? "",
    images: gift.images,
    features: gift.features,
    specifications: gift.specifications,
    price: gift.price,
    value: gift.price,
    currency: gift.currency,
    status: gift.status,
    available,
    inventoryStatus: !gift.trackInventory ? "In Stock" : `${gift.availableQuantity} available`,
    priority: 0,
    quantityLimit: null
  }
}

const addressView = (order: Order) => {
  const a = order.shippingAddress
  return {
    fullName: a.fullName,
    addressLine1: a.addressLine1,
    addressLine2: a.addressLine2,
    city: a.city,
    state: a.state,
    postalCode: a.postalCode,
    country: a.country,
    phone: a.phone
  }
}

export class PublicService extends Effect.Service<PublicService>()("Domain/PublicService", {
  effect: Effect.gen(function*() {
    const sites = yield* SiteRepo
    const clients = yield* ClientRepo
    const employees = yield* EmployeeRepo
    const orders = yield* OrderRepo
    const products = yield* ProductRepo
    const access = yield* EmployeeAccessRepo
    const transactions = yield* Transactions
    const catalog = yield* SiteCatalogService
    const orderService = yield* OrderService
    const mailer = yield* Mailer
    const events = yield* DomainEvents
    const rules = yield* AutomationRuleRepo
    const templating = yield* Effect.context<EmailTemplateRepo | EmailTemplateService>()
    const attempts = yield* Attempts
    const { auth: limits } = yield* AppConfig

    /** `TooManyRequests` when this address did too many of these lately (the admin login limits apply). */
    const notTooOften = (ip: string, key: string, what: string) =>
      Effect.flatMap(attempts.blockedFor(ip, key, limits.loginMaxFailures, limits.loginWindow), Option.match({
        onNone: () => Effect.void,
        onSome: (seconds) =>
          Effect.fail(new TooManyRequests({ error: `Too many ${what} from this address; try again in ${seconds} seconds`, retryAfter: seconds }))
      }))
    const { environment, publicFlow } = yield* AppConfig

    /** A site employees may use: active. Any other does not exist for them. */
    const activeSite = (find: Effect.Effect<Site, NotFound | StorageUnavailable>, id: string) =>
      Effect.flatMap(find, (site) => (site.status === "active" ? Effect.succeed(site) : Effect.fail(NotFound.of("Site", id))))

    /** Every id naming the site's client (just the stored one when the client has gone). */
    const clientNames = (site: Site) =>
      Effect.map(ifFound(clients.findById(site.clientId)), Option.match({ onNone: () => [site.clientId], onSome: namesOf }))

    const isActiveEmployeeOf = (employee: Employee, names: ReadonlyArray<string>) =>
      employee.status === "active" && names.includes(employee.clientId)

    /**
     * The template of the site's sign-in e-mail when an enabled `magic_link` rule says so (the
     * site's own before its client's, the newest of each): the rule's template, else the
     * `magic_link` one that applies to the site. None (the built-in e-mail) without such a rule,
     * or when its template is not active; a disabled rule changes nothing, as sign-in must work.
     *
     * This is decided here, in the request, rather than by an `automation.event`: the link holds
     * the token, a secret that must reach only the recorded message, never the jobs outbox, a
     * workflow's payload or a log; and the e-mail must be recorded before the answer returns.
     */
    const signInTemplate = (site: Site, clientIds: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const enabled = (yield* rules.forTrigger("magic_link", site.id, clientIds[0] ?? site.clientId)).filter((r) => r.enabled)
        const rule = enabled.find((r) => r.siteId !== null) ?? enabled[0]
        if (rule === undefined) return Option.none<{ readonly content: Content; readonly ruleId: string }>()
        const content = yield* Effect.provide(templateFor(rule.templateId, TemplateEventOf.magic_link!, site.id), templating)
        if (Option.isNone(content)) {
          yield* Effect.logWarning(`Automation rule ${rule.id} names no active magic_link template; the built-in sign-in e-mail is sent`)
        }
        return Option.map(content, (c) => ({ content: c, ruleId: rule.id }))
      })

    /** Fails with `SelectionClosed` outside the site's selection window. */
    const requireOpen = (site: Site) =>
      Effect.gen(function*() {
        const now = yield* DateTime.now
        const dates = { startDate: isoOrNull(site.selectionStartDate), endDate: isoOrNull(site.selectionEndDate) }
        if (site.selectionStartDate !== null && DateTime.lessThan(now, site.selectionStartDate)) {
          return yield* Effect.fail(new SelectionClosed({ code: "SELECTION_NOT_STARTED", error: "Selection period has not started yet", ...dates }))
        }
        if (site.selectionEndDate !== null && DateTime.greaterThan(now, site.selectionEndDate)) {
          return yield* Effect.fail(new SelectionClosed({ code: "SELECTION_ENDED", error: "Selection period has ended", ...dates }))
        }
      })

    const requireMethod = (site: Site, method: ValidationMethod, field: string) =>
      site.validationMethods.includes(method)
        ? Effect.void
        : Effect.fail(ValidationError.field(field, `this site does not accept access by ${method}; it accepts ${site.validationMethods.join(", ")}`))

    /** A new session for the employee on the site; the token is returned once and only its hash is kept. */
    const startSession = (employee: Employee, site: Site) =>
      Effect.gen(function*() {
        const token = newToken()
        const createdAt = yield* DateTime.now
        const expiresAt = DateTime.addDuration(createdAt, publicFlow.sessionLifetime)
        yield* access.createSession({ tokenHash: hashToken(token), employeeId: employee.id, siteId: site.id, createdAt, expiresAt })
        return { valid: true as const, sessionToken: token, expiresAt: iso(expiresAt), siteId: site.id, employee: employeeView(employee) }
      })

    /** The session's site, still active. */
    const sessionSite = (session: Session) => activeSite(sites.findById(session.siteId), session.siteId)

    /** The session's site, when `siteId` names it: a session opens one site only. */
    const sessionSiteNamed = (session: Session, siteId: string) =>
      Effect.gen(function*() {
        const site = yield* sites.findById(session.siteId)
        if (!namesOf(site).includes(siteId)) {
          return yield* Effect.fail(
            new Forbidden({ error: "Session site mismatch. You can only access gifts for your assigned site." })
          )
        }
        return yield* activeSite(Effect.succeed(site), siteId)
      })

    /** The employee a session or link names, still active and still of the site's client. */
    const sessionEmployee = (session: Pick<Session, "employeeId">, site: Site) =>
      Effect.gen(function*() {
        const employee = yield* ifFound(employees.findById(session.employeeId))
        const names = yield* clientNames(site)
        if (Option.isNone(employee) || !isActiveEmployeeOf(employee.value, names)) return yield* Effect.fail(denied())
        return employee.value
      })

    /** The site's resolved catalogue: assignments, exclusions, availability rules and prices. */
    const offered = (site: Site) =>
      Effect.map(asSystem(catalog.gifts(site.id, { limit: Number.MAX_SAFE_INTEGER, offset: 0 })), (page) => page.items)

    return {
      /** An active site by its slug, as published. */
      siteBySlug: (slug: string) => Effect.map(activeSite(sites.findBySlug(slug), slug), publicSite),

      /** Access by e-mail, HR number or serial card, when the site accepts that method. */
      validateEmployee: (input: ValidateEmployee, ip: string) =>
        Effect.gen(function*() {
          const key = `access:${input.siteId}`
          yield* notTooOften(ip, key, "access checks")
          const site = yield* activeSite(sites.findById(input.siteId), input.siteId)
          yield* requireMethod(site, input.method, "method")
          const names = yield* clientNames(site)
          const found = yield* employees.findByIdentifier(names, FieldOf[input.method], input.value)
          const employee = found.find((e) => isActiveEmployeeOf(e, names))
          if (employee === undefined) {
            // HR numbers and serial cards can be guessed: failures are counted per address and site.
            yield* attempts.record(ip, key)
            return yield* Effect.fail(denied())
          }
          return yield* startSession(employee, site)
        }),

      /**
       * E-mails a single-use sign-in link to an active employee of the site's client: the
       * built-in text, or the template an enabled `magic_link` rule of the site calls for
       * (`signInTemplate`). The answer is the same whether or not anyone has the address.
       */
      requestMagicLink: (input: { readonly siteId: string; readonly email: string }, ip: string) =>
        Effect.gen(function*() {
          // Every request counts (the answer never says whether one was sent): no mailbox flooding.
          const key = `magic-link:${input.siteId}`
          yield* notTooOften(ip, key, "sign-in link requests")
          yield* attempts.record(ip, key)
          const site = yield* activeSite(sites.findById(input.siteId), input.siteId)
          yield* requireMethod(site, "magicLink", "siteId")
          const names = yield* clientNames(site)
          const employee = (yield* employees.findByIdentifier(names, "email", input.email)).find((e) => isActiveEmployeeOf(e, names))
          if (employee !== undefined) {
            const token = newToken()
            const createdAt = yield* DateTime.now
            const expiresAt = DateTime.addDuration(createdAt, publicFlow.magicLinkLifetime)
            yield* access.createMagicLink({
              tokenHash: hashToken(token),
              employeeId: employee.id,
              siteId: site.id,
              email: input.email,
              createdAt,
              expiresAt
            })
            const link = `${publicFlow.publicAppUrl}/access/magic-link?token=${token}`
            const name = fullName(employee) ?? ""
            const lifetime = spoken(publicFlow.magicLinkLifetime)
            const template = yield* signInTemplate(site, names)
            const message = Option.match(template, {
              onNone: () => ({
                subject: `Your sign-in link for ${site.name}`,
                text: `Hello${name ? ` ${name}` : ""},\n\nSign in to ${site.name} with this link:\n${link}\n\n` +
                  `It works once and expires in ${lifetime}. If you did not ask for it, you can ignore this e-mail.\n`,
                html: `<p>Hello${name ? ` ${escapeHtml(name)}` : ""},</p><p>Sign in to ${escapeHtml(site.name)} with this link:</p>` +
                  `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` +
                  `<p>It works once and expires in ${escapeHtml(lifetime)}. If you did not ask for it, you can ignore this e-mail.</p>`
              }),
              onSome: ({ content }) => withLink(messageOf(content, withLibraryNames({ userName: name || input.email, siteName: site.name, magicLink: link })), link)
            })
            yield* mailer.send({
              to: input.email,
              ...message,
              tags: {
                kind: "magic_link",
                siteId: site.id,
                employeeId: employee.id,
                ...Option.match(template, { onNone: () => ({}), onSome: ({ content, ruleId }) => ({ ruleId, templateId: content.id }) })
              }
            })
          }
          return { success: true as const, message: MagicLinkSent }
        }),

      /** Trades a magic link for a session, once: the link is used up atomically. */
      validateMagicLink: (token: string) =>
        Effect.gen(function*() {
          const used = yield* access.useMagicLink(hashToken(token), yield* DateTime.now)
          if (Either.isLeft(used)) return yield* Effect.fail(MagicLinkInvalid.of(used.left))
          const link = used.right
          const site = yield* activeSite(sites.findById(link.siteId), link.siteId)
          const employee = yield* sessionEmployee(link, site)
          return yield* startSession(employee, site)
        }),

      /** The session a token opens; `Unauthorized` when there is none or it has expired (then it is removed). */
      session: (token: string | undefined) =>
        Effect.gen(function*() {
          if (token === undefined || token === "") return yield* Effect.fail(new Unauthorized({ error: "Session token required" }))
          if (token.length > MaxTokenLength) return yield* Effect.fail(new Unauthorized({ error: "Invalid or expired session" }))
          const tokenHash = hashToken(token)
          const stored = yield* access.findSession(tokenHash)
          if (Option.isNone(stored)) return yield* Effect.fail(new Unauthorized({ error: "Invalid or expired session" }))
          if (!DateTime.lessThan(yield* DateTime.now, stored.value.expiresAt)) {
            yield* access.deleteSession(tokenHash)
            return yield* Effect.fail(new Unauthorized({ error: "Session expired" }))
          }
          const session: Session = stored.value
          return session
        }),

      /** Who the session is, for the app to show (peer `GET /public/session/:token`). */
      describeSession: (session: Session) =>
        Effect.gen(function*() {
          const employee = yield* ifFound(employees.findById(session.employeeId))
          return {
            valid: true as const,
            session: {
              employeeId: session.employeeId,
              siteId: session.siteId,
              employeeName: Option.match(employee, { onNone: () => "", onSome: (e) => fullName(e) ?? "" }),
              employeeEmail: Option.getOrNull(Option.flatMap(employee, (e) => Option.fromNullable(e.email))),
              createdAt: iso(session.createdAt),
              expiresAt: iso(session.expiresAt)
            }
          }
        }),

      endSession: (session: Session) => access.deleteSession(session.tokenHash),

      /** The gifts of the session's site, inside its selection window (peer-api §4.3). */
      gifts: (session: Session, siteId: string) =>
        Effect.gen(function*() {
          const site = yield* sessionSiteNamed(session, siteId)
          yield* sessionEmployee(session, site)
          yield* requireOpen(site)
          const gifts = yield* offered(site)
          const client = yield* ifFound(clients.findById(site.clientId))
          return {
            gifts: gifts.map(giftView),
            site: {
              id: site.id,
              name: site.name,
              description: site.description,
              startDate: isoOrNull(site.selectionStartDate),
              endDate: isoOrNull(site.selectionEndDate),
              clientName: Option.getOrNull(Option.map(client, (c) => c.name)),
              giftsPerUser: site.settings.giftsPerUser,
              allowQuantitySelection: site.settings.allowQuantitySelection,
              showPricing: site.settings.showPricing,
              currency: site.settings.defaultCurrency
            }
          }
        }),

      /**
       * Places the employee's order for a gift of the site's catalogue at the site's price. The
       * count against `giftsPerUser` and the order are one transaction under a lock on the
       * employee, so concurrent orders cannot both pass the limit; stock is taken in it too.
       */
      placeOrder: (session: Session, input: PlaceOrder) =>
        Effect.gen(function*() {
          const site = yield* sessionSite(session)
          const employee = yield* sessionEmployee(session, site)
          yield* requireOpen(site)
          if (input.quantity > 1 && !site.settings.allowQuantitySelection) {
            return yield* Effect.fail(ValidationError.field("quantity", "must be 1: this site does not allow choosing a quantity"))
          }
          const gift = (yield* offered(site)).find((g) => g.id === input.giftId || g.legacyId === input.giftId)
          if (gift === undefined) {
            return yield* Effect.fail(
              new InvalidReference({ field: "giftId", id: input.giftId, error: `giftId: gift ${JSON.stringify(input.giftId)} is not offered on this site` })
            )
          }
          if (gift.status !== "active") {
            return yield* Effect.fail(
              new Conflict({ entity: "Product", field: "giftId", error: `Gift ${JSON.stringify(input.giftId)} is not available (${gift.status.replaceAll("_", " ")})` })
            )
          }
          const siteNames = namesOf(site)
          const order = yield* transactions.atomically(
            Effect.gen(function*() {
              const held = yield* orders.stats({ siteIds: siteNames, employeeIds: namesOf(employee) })
              const ordered = held.total - held.cancelled - held.failed
              const limit = site.settings.giftsPerUser
              if (ordered >= limit) {
                return yield* Effect.fail(
                  new GiftLimitReached({
                    giftsPerUser: limit,
                    ordered,
                    error: `You have already chosen ${ordered} gift${ordered === 1 ? "" : "s"} on this site, which allows ${limit}`
                  })
                )
              }
              const placed = yield* asSystem(orderService.create({
                siteId: site.id,
                employeeId: employee.id,
                customerName: fullName(employee) ?? input.shippingAddress.fullName,
                customerEmail: employee.email,
                customerEmployeeId: employee.employeeId,
                items: [{ productId: gift.id, quantity: input.quantity, unitPrice: gift.price }],
                shippingAddress: input.shippingAddress,
                metadata: { source: "employee_app" },
                notes: null
              }))
              // The employee's own choice, besides the order any placement raises.
              yield* events.raise({
                trigger: "gift_selected",
                key: `gift_selected:${placed.id}`,
                siteId: placed.siteId,
                clientId: placed.clientId,
                orderId: placed.id,
                employeeId: employee.id
              })
              return placed
            }),
            { lock: `public-order:${environment}:${employee.id}` }
          )
          return {
            id: order.id,
            orderNumber: order.orderNumber,
            status: order.status,
            giftId: gift.id,
            giftName: gift.name,
            quantity: input.quantity,
            itemValue: gift.price,
            totalValue: order.totalAmount ?? 0,
            currency: order.currency,
            shippingAddress: addressView(order),
            createdAt: iso(order.createdAt)
          }
        }),

      /** One of the session's employee's orders (peer-api §4.5); anyone else's does not exist. */
      order: (session: Session, orderId: string) =>
        Effect.gen(function*() {
          const notFound = NotFound.of("Order", orderId)
          const site = yield* sessionSite(session)
          const employee = yield* sessionEmployee(session, site)
          const found = yield* ifFound(orders.findById(orderId))
          if (Option.isNone(found)) return yield* Effect.fail(notFound)
          const order = found.value
          if (order.employeeId === null || !namesOf(employee).includes(order.employeeId)) return yield* Effect.fail(notFound)
          const item = order.items[0]
          const product = item?.productId ? yield* ifFound(products.findById(item.productId)) : Option.none<Product>()
          const placedOn = order.siteId === site.id ? Option.some(site) : yield* ifFound(sites.findById(order.siteId))
          const client = order.clientId === null ? Option.none() : yield* ifFound(clients.findById(order.clientId))
          const p = Option.getOrNull(product)
          return {
            id: order.id,
            orderNumber: order.orderNumber,
            status: order.status,
            employeeId: employee.id,
            employeeName: fullName(employee) ?? order.customerName ?? "",
            employeeEmail: employee.email ?? order.customerEmail,
            siteId: order.siteId,
            siteName: Option.getOrNull(Option.map(placedOn, (s) => s.name)),
            clientId: order.clientId,
            clientName: Option.getOrNull(Option.map(client, (c) => c.name)),
            giftId: item?.productId ?? null,
            giftName: p?.name ?? item?.productName ?? null,
            giftDescription: p?.description ?? null,
            giftCategory: p?.category ?? null,
            giftImageUrl: p === null ? null : p.imageUrl ?? p.images[0] ?? null,
            quantity: order.items.reduce((n, line) => n + line.quantity, 0),
            itemValue: item?.unitPrice ?? null,
            totalValue: order.totalAmount,
            currency: order.currency,
            shippingAddress: addressView(order),
            trackingNumber: order.trackingNumber,
            carrier: order.carrier,
            timeline: order.timeline.map((e) => ({
              status: e.status,
              label: e.label,
              timestamp: iso(e.timestamp),
              location: e.location,
              description: e.description
            })),
            createdAt: iso(order.createdAt),
            updatedAt: iso(order.updatedAt),
            confirmedAt: isoOrNull(order.confirmedAt),
            shippedAt: isoOrNull(order.shippedAt),
            deliveredAt: isoOrNull(order.deliveredAt),
            cancelledAt: isoOrNull(order.cancelledAt)
          }
        })
    } as const
  })
}) {}
