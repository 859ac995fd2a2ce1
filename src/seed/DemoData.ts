/**
 * The demo data `app seed` loads (and `app serve` on a brand-new embedded database): the old
 * platform's demo client with its stakeholder sites' branding, and the reseed clients
 * (peer-integrations §7), under their legacy ids so every backend seeds the same records.
 */
import { Schema } from "effect"
import { Client } from "../domain/clients/Client.js"

const client = (legacyId: string, fields: Partial<typeof Client.jsonCreate.Encoded> & { name: string; contactEmail: string }) => ({
  legacyId,
  fields: Schema.decodeUnknownSync(Client.jsonCreate)(fields)
})

export const demoClients = [
  client("client-demo-stakeholder", {
    name: "JALA Demo - Stakeholder Sites",
    contactEmail: "demo@jala.example",
    description: "Demo client for the stakeholder sites: events, service awards and onboarding",
    settings: { primaryColor: "#D91C81", secondaryColor: "#1B2A5E", tertiaryColor: "#00B4CC" }
  }),
  client("client-001", {
    name: "TechCorp Inc.",
    contactEmail: "admin@techcorp.com",
    description: "Leading technology corporation with global presence",
    clientCode: "TECHCORP",
    clientRegion: "US/CA",
    clientContactPhone: "(555) 100-0000",
    clientAddressLine1: "123 Tech Street",
    clientCity: "San Francisco",
    clientCountryState: "CA",
    clientPostalCode: "94102",
    clientCountry: "US"
  }),
  client("client-002", {
    name: "GlobalRetail Group",
    contactEmail: "contact@globalretail.com",
    description: "International retail corporation with multiple brands",
    clientCode: "GLOBALRETAIL",
    clientRegion: "US/CA",
    clientContactPhone: "(555) 200-0000",
    clientAddressLine1: "456 Retail Ave",
    clientCity: "New York",
    clientCountryState: "NY",
    clientPostalCode: "10001",
    clientCountry: "US"
  }),
  client("client-003", {
    name: "HealthCare Services Ltd.",
    contactEmail: "info@healthcareservices.com",
    description: "Healthcare provider network across North America",
    clientCode: "HEALTHCARE",
    clientRegion: "US/CA",
    clientContactPhone: "(555) 300-0000"
  }),
  client("client-004", {
    name: "EduTech Solutions",
    contactEmail: "hello@edutech.com",
    description: "Educational technology and learning management systems",
    clientCode: "EDUTECH",
    clientRegion: "Global",
    clientContactPhone: "(555) 400-0000"
  })
] as const
