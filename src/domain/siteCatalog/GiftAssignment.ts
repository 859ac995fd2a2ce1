/**
 * One gift offered on a site, as the old platform's first generation stored it: saving a site's
 * gift configuration recreated one assignment per eligible gift (peer-integrations §6,
 * `site-gift-assignment:<siteId>:<giftId>`), which the public catalogue read. A site and a
 * product make one assignment.
 */
import { Schema } from "effect"
import { EntityId } from "../Fields.js"

export class GiftAssignment extends Schema.Class<GiftAssignment>("GiftAssignment")({
  siteId: EntityId,
  productId: EntityId,
  /** Display order; the old platform always wrote 0. */
  priority: Schema.optionalWith(Schema.Int, { default: () => 0 }),
  /** How many of the gift the site may hand out; null: no limit. */
  quantityLimit: Schema.NullOr(Schema.NonNegativeInt),
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
}) {}
