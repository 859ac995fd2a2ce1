/**
 * Webhook signing secrets as Standard Webhooks writes them: `whsec_` + base64 of the key bytes.
 * Made here, in the domain, so the endpoint service can issue one; signing with them is the
 * integration's (src/integrations/webhooks/Signing.ts).
 */
import { randomBytes } from "node:crypto"

export const SecretPrefix = "whsec_"

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export const generateSecret = (): string => `${SecretPrefix}${randomBytes(32).toString("base64")}`
