/**
 * What an administrator's password must be, and the one nobody chose: shared by signing in
 * (AuthService), managing administrators (AdminUserService) and the bootstrap admin, below all
 * of them.
 */
import { Option, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { ValidationError } from "../domain/Errors.js"

export const MinPasswordLength = 12
export const MaxPasswordLength = 256

/** A password nobody chose: 24 random bytes, base64url (32 characters). */
export const generatePassword = () => Redacted.make(randomBytes(24).toString("base64url"))

/** Why a new password is refused, naming `field`; none when it is acceptable. */
export const passwordProblem = (field: string, password: string) =>
  password.length < MinPasswordLength
    ? Option.some(ValidationError.field(field, `must be at least ${MinPasswordLength} characters`))
    : password.length > MaxPasswordLength
    ? Option.some(ValidationError.field(field, `must be at most ${MaxPasswordLength} characters`))
    : Option.none()
