import { auditedAs } from "../audit/AuditLog.js"
import { type AdminUser, AdminUserJson } from "./AdminUser.js"

/** Administrators in the audit log, as the API shows them (no password, ever). */
export const AuditedAdmins = auditedAs<AdminUser, typeof AdminUserJson.Type, typeof AdminUserJson.Encoded>("AdminUser", AdminUserJson)
