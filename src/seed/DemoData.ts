/**
 * The demo data `app seed` loads (and `app serve` on a brand-new embedded database): the old
 * platform's demo client with its stakeholder sites' branding, the reseed clients, the Phase 5A
 * global brands (peer-integrations §7), the global default e-mail templates and the demo
 * employees on the stakeholder sites, under their legacy ids so every backend seeds the same records.
 */
import { Schema } from "effect"
import { Brand } from "../domain/brands/Brand.js"
import { Client } from "../domain/clients/Client.js"
import { EmailTemplate } from "../domain/emailTemplates/EmailTemplate.js"
import { Employee } from "../domain/employees/Employee.js"
import { Catalog } from "../domain/catalogs/Catalog.js"
import { Product } from "../domain/products/Product.js"
import { Site } from "../domain/sites/Site.js"

/** A demo record: its legacy id and its fields as the create body decodes them. */
const demo = <A, I>(create: Schema.Schema<A, I>) => (legacyId: string, fields: I) => ({
  legacyId,
  fields: Schema.decodeUnknownSync(create)(fields)
})

const client = demo(Client.jsonCreate)

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

const site = demo(Site.jsonCreate)

const demoBranding = (primaryColor: string, secondaryColor: string, accentColor: string) => ({
  primaryColor,
  secondaryColor,
  accentColor,
  logoUrl: ""
})

/** The old platform's five stakeholder demo sites and the three reseed sites. */
export const demoSites = [
  site("demo-event-serial-card", {
    clientId: "client-demo-stakeholder",
    name: "Conference 2025 Attendee Gift",
    slug: "demo-event-serial-card",
    description: "Event Gifting - Serial Card Access",
    status: "active",
    validationMethods: ["serialCard"],
    availableLanguages: ["en", "es", "fr"],
    branding: demoBranding("#D91C81", "#1B2A5E", "#00B4CC"),
    settings: { showPricing: false }
  }),
  site("demo-event-ship-to-store", {
    clientId: "client-demo-stakeholder",
    name: "Regional Office Appreciation",
    slug: "demo-event-ship-to-store",
    description: "Event Gifting - Ship to Store/Office",
    status: "active",
    validationMethods: ["email"],
    availableLanguages: ["en", "es"],
    branding: demoBranding("#1B2A5E", "#D91C81", "#00B4CC"),
    settings: { showPricing: false }
  }),
  site("demo-service-award", {
    clientId: "client-demo-stakeholder",
    name: "5 Year Service Award",
    slug: "service-award",
    description: "Service Award Recognition",
    status: "active",
    validationMethods: ["magicLink"],
    branding: demoBranding("#00B4CC", "#1B2A5E", "#D91C81"),
    settings: { showPricing: false }
  }),
  site("demo-service-award-celebration", {
    clientId: "client-demo-stakeholder",
    name: "10 Year Anniversary Celebration",
    slug: "service-award-celebration",
    description: "Service Award with Celebrations",
    status: "active",
    validationMethods: ["magicLink"],
    siteCelebrationsEnabled: true,
    branding: demoBranding("#D91C81", "#1B2A5E", "#FFD93D"),
    settings: { showPricing: false }
  }),
  site("demo-employee-onboarding", {
    clientId: "client-demo-stakeholder",
    name: "New Hire Welcome",
    slug: "employee-onboarding",
    description: "Employee Onboarding",
    status: "active",
    validationMethods: ["employeeId"],
    siteCelebrationsEnabled: true,
    branding: demoBranding("#00B4CC", "#D91C81", "#1B2A5E"),
    settings: { showPricing: false }
  }),
  site("site-001", {
    clientId: "client-001",
    name: "TechCorp US - Employee Gifts 2026",
    slug: "techcorp-us-gifts-2026",
    siteCode: "TC-US-001",
    status: "active",
    validationMethods: ["email"],
    settings: { defaultCurrency: "USD", defaultCountry: "US", showPricing: false }
  }),
  site("site-002", {
    clientId: "client-001",
    name: "TechCorp EU - Employee Recognition",
    slug: "techcorp-eu-recognition-2026",
    status: "active",
    validationMethods: ["email", "employeeId"],
    settings: { defaultCurrency: "EUR", defaultCountry: "DE" }
  }),
  site("site-003", {
    clientId: "client-002",
    name: "GlobalRetail Premium - US",
    slug: "globalretail-premium-us-2026",
    status: "active",
    validationMethods: ["email"],
    settings: { defaultCurrency: "USD", defaultCountry: "US" }
  })
] as const

const brand = demo(Brand.jsonCreate)

/** The Phase 5A brands, global (offered to every client). */
export const demoBrands = [
  brand("brand-wecelebrate", { name: "WeCelebrate", primaryColor: "#4F46E5", secondaryColor: "#818CF8" }),
  brand("brand-premium-corporate", { name: "Premium Corporate", primaryColor: "#1E40AF", secondaryColor: "#3B82F6" }),
  brand("brand-tech-startup", { name: "Tech Startup", primaryColor: "#10B981", secondaryColor: "#34D399" })
] as const

const template = demo(EmailTemplate.jsonCreate)

const globalDefault = (legacyId: string, fields: Omit<typeof EmailTemplate.jsonCreate.Encoded, "templateType">) =>
  template(legacyId, { templateType: "global", status: "active", isDefault: true, ...fields })

const paragraphs = (...lines: ReadonlyArray<string>) => lines.map((line) => `<p>${line}</p>`).join("\n")

/**
 * The global defaults every site falls back to, one per event the platform sends, with the
 * camelCase variables the events supply (peer-integrations §3.4).
 */
export const demoEmailTemplates = [
  globalDefault("default-order-confirmation", {
    name: "Order Confirmation",
    description: "Sent when an employee places a gift order",
    eventType: "order_confirmation",
    subject: "Your gift order {{orderNumber}} is confirmed",
    bodyHtml: paragraphs(
      "Hi {{userName}},",
      "Thank you for choosing <strong>{{giftName}}</strong> from {{siteName}}. Your order {{orderNumber}} is confirmed.",
      "We will let you know as soon as it ships."
    ),
    bodyText: "Hi {{userName}},\n\nThank you for choosing {{giftName}} from {{siteName}}. Your order {{orderNumber}} is confirmed.\n\nWe will let you know as soon as it ships.",
    variables: ["userName", "giftName", "siteName", "orderNumber"]
  }),
  globalDefault("default-shipping-notification", {
    name: "Shipping Notification",
    description: "Sent when a gift order ships",
    eventType: "shipping_notification",
    subject: "Your gift is on its way (order {{orderNumber}})",
    bodyHtml: paragraphs(
      "Hi {{userName}},",
      "Your order {{orderNumber}} has shipped with {{carrier}}. Tracking number: {{trackingNumber}}.",
      "<a href=\"{{trackingLink}}\">Track your package</a>. Expected delivery: {{estimatedDelivery}}."
    ),
    bodyText: "Hi {{userName}},\n\nYour order {{orderNumber}} has shipped with {{carrier}}. Tracking number: {{trackingNumber}}.\nTrack it at {{trackingLink}}. Expected delivery: {{estimatedDelivery}}.",
    variables: ["userName", "orderNumber", "carrier", "trackingNumber", "trackingLink", "estimatedDelivery"]
  }),
  globalDefault("default-delivery-confirmation", {
    name: "Delivery Confirmation",
    description: "Sent when a gift order is delivered",
    eventType: "delivery_confirmation",
    subject: "Your gift has been delivered",
    bodyHtml: paragraphs("Hi {{userName}},", "Your order {{orderNumber}} was delivered on {{deliveryDate}}. Enjoy your gift!"),
    bodyText: "Hi {{userName}},\n\nYour order {{orderNumber}} was delivered on {{deliveryDate}}. Enjoy your gift!",
    variables: ["userName", "orderNumber", "deliveryDate"]
  }),
  globalDefault("default-selection-reminder", {
    name: "Selection Reminder",
    description: "Sent before the selection window closes to employees who have not chosen yet",
    eventType: "selection_reminder",
    subject: "{{daysRemaining}} days left to choose your gift from {{siteName}}",
    bodyHtml: paragraphs(
      "Hi {{userName}},",
      "You have {{daysRemaining}} days left to choose your gift from {{siteName}}.",
      "<a href=\"{{magicLink}}\">Choose your gift</a>"
    ),
    bodyText: "Hi {{userName}},\n\nYou have {{daysRemaining}} days left to choose your gift from {{siteName}}.\nChoose it here: {{magicLink}}",
    variables: ["userName", "daysRemaining", "siteName", "magicLink"]
  }),
  globalDefault("default-magic-link", {
    name: "Magic Link",
    description: "The sign-in link an employee asks for",
    eventType: "magic_link",
    subject: "Your access link for {{siteName}}",
    bodyHtml: paragraphs(
      "Hi {{userName}},",
      "<a href=\"{{magicLink}}\">Open {{siteName}}</a> to choose your gift. The link works once and expires in 24 hours."
    ),
    bodyText: "Hi {{userName}},\n\nOpen {{siteName}} to choose your gift: {{magicLink}}\nThe link works once and expires in 24 hours.",
    variables: ["userName", "siteName", "magicLink"]
  })
] as const

const employee = (
  legacyId: string,
  siteId: string,
  fields: Partial<typeof Employee.jsonCreate.Encoded> & { firstName: string; lastName: string; email: string }
) => ({
  legacyId,
  siteId,
  // The client comes from the site when seeding; this placeholder only satisfies the schema.
  fields: Schema.decodeUnknownSync(Employee.jsonCreate)({ clientId: "from-site", ...fields })
})

/**
 * The old platform's demo employees (peer-integrations §7): three with serial cards on the
 * serial-card event, two on ship-to-store (one is `employee@company.com`), two on the service
 * award. The two it put on sites that never existed (`demo-birthday`, `demo-manager-portal`) are left out.
 */
export const demoEmployees = [
  employee("emp-001", "demo-event-serial-card", {
    firstName: "John",
    lastName: "Smith",
    email: "john.smith@company.com",
    employeeId: "EMP001",
    serialCardNumber: "CONF2025-ABC123",
    department: "Engineering"
  }),
  employee("emp-002", "demo-event-serial-card", {
    firstName: "Sarah",
    lastName: "Johnson",
    email: "sarah.johnson@company.com",
    employeeId: "EMP002",
    serialCardNumber: "CONF2025-XYZ789",
    department: "Marketing"
  }),
  employee("emp-003", "demo-event-serial-card", {
    firstName: "Michael",
    lastName: "Chen",
    email: "michael.chen@company.com",
    employeeId: "EMP003",
    serialCardNumber: "CONF2025-DEF456",
    department: "Sales"
  }),
  employee("emp-004", "demo-event-ship-to-store", {
    firstName: "Emily",
    lastName: "Davis",
    email: "employee@company.com",
    employeeId: "EMP1001",
    department: "Operations"
  }),
  employee("emp-005", "demo-event-ship-to-store", {
    firstName: "David",
    lastName: "Wilson",
    email: "david.wilson@company.com",
    employeeId: "EMP1002",
    department: "Finance"
  }),
  employee("emp-006", "demo-service-award", {
    firstName: "Jennifer",
    lastName: "Martinez",
    email: "jennifer.martinez@company.com",
    employeeId: "EMP2001",
    department: "HR"
  }),
  employee("emp-007", "demo-service-award", {
    firstName: "Robert",
    lastName: "Taylor",
    email: "robert.taylor@company.com",
    employeeId: "EMP2002",
    department: "IT"
  })
] as const

const catalog = demo(Catalog.jsonCreate)

/** The catalogue `seed_products.ts` created (peer-integrations §7), under the legacy catalogue's id. */
export const demoCatalogs = [
  catalog("catalog_legacy_default", {
    name: "Default Product Catalog",
    description: "Default catalog containing the demo products",
    type: "manual",
    status: "active",
    source: { type: "manual", sourceSystem: "Internal", sourceId: "legacy" }
  })
] as const

const product = demo(Product.jsonCreate)

/** The six products of `seed_products.ts` (peer-integrations §7), under the legacy gift ids `gift-1` … `gift-6`. */
export const demoProducts = [
  product("gift-1", {
    catalogId: "catalog_legacy_default",
    sku: "PH-001",
    name: "Premium Noise-Cancelling Headphones",
    price: 299.99,
    category: "Electronics",
    availableQuantity: 50,
    description: "High-quality wireless headphones with active noise cancellation, perfect for music lovers and remote workers.",
    longDescription: "Experience audio excellence with our premium noise-cancelling headphones. Featuring advanced active noise cancellation technology, these wireless headphones deliver crystal-clear sound quality while blocking out ambient noise. With up to 30 hours of battery life, comfortable over-ear design, and premium materials, they're perfect for work, travel, or leisure.",
    imageUrl: "https://images.unsplash.com/photo-1505740420928-5e560c06d30e?w=800&q=80",
    features: [
      "Active Noise Cancellation (ANC)",
      "30-hour battery life",
      "Bluetooth 5.0 connectivity",
      "Premium memory foam ear cushions",
      "Built-in microphone for calls",
      "Foldable design with carrying case"
    ],
    specifications: {
      "Driver Size": "40mm",
      "Frequency Response": "20Hz - 20kHz",
      "Battery Life": "30 hours (ANC on), 40 hours (ANC off)",
      "Charging Time": "2 hours",
      Weight: "250g",
      Connectivity: "Bluetooth 5.0, 3.5mm cable"
    }
  }),
  product("gift-2", {
    catalogId: "catalog_legacy_default",
    sku: "SW-001",
    name: "Smart Fitness Watch",
    price: 249.99,
    category: "Electronics",
    availableQuantity: 75,
    description: "Track your health and fitness goals with this advanced smartwatch featuring heart rate monitoring and GPS.",
    longDescription: "Stay on top of your fitness journey with our Smart Fitness Watch. This comprehensive health companion tracks your heart rate, steps, calories, sleep quality, and workouts. With built-in GPS for outdoor activities, water resistance for swimming, and smart notifications to keep you connected, it's the perfect blend of fitness and technology.",
    imageUrl: "https://images.unsplash.com/photo-1544117519-31a4b719223d?w=800&q=80",
    features: [
      "Heart rate & sleep monitoring",
      "Built-in GPS tracking",
      "5 ATM water resistance",
      "7-day battery life",
      "Multi-sport tracking modes",
      "Smart notifications"
    ],
    specifications: {
      Display: "1.4\" AMOLED touchscreen",
      "Battery Life": "7 days typical use",
      "Water Resistance": "5 ATM (50 meters)",
      Sensors: "Heart rate, GPS, Accelerometer, Gyroscope",
      Compatibility: "iOS 12+, Android 6.0+",
      Weight: "45g"
    }
  }),
  product("gift-3", {
    catalogId: "catalog_legacy_default",
    sku: "CC-001",
    name: "Gourmet Coffee Collection",
    price: 79.99,
    category: "Food & Beverage",
    availableQuantity: 100,
    description: "A curated selection of premium coffee beans from around the world, perfect for coffee enthusiasts.",
    longDescription: "Embark on a global coffee journey with our Gourmet Coffee Collection. This carefully curated set features 6 distinct varieties from renowned coffee regions including Ethiopia, Colombia, Brazil, and Indonesia. Each 250g bag is freshly roasted to perfection, bringing unique flavors and aromas to your daily brew. Includes tasting notes and brewing guides.",
    imageUrl: "https://images.unsplash.com/photo-1559056199-641a0ac8b55e?w=800&q=80",
    features: [
      "6 premium coffee varieties",
      "Freshly roasted beans",
      "Single-origin selections",
      "Tasting notes included",
      "Brewing guide",
      "Elegant gift packaging"
    ],
    specifications: {
      "Total Weight": "1.5kg (6 × 250g)",
      Origin: "Ethiopia, Colombia, Brazil, Indonesia, Guatemala, Kenya",
      "Roast Level": "Light to Dark variety",
      "Bean Type": "100% Arabica",
      "Best Before": "6 months from roast date",
      Storage: "Cool, dry place"
    }
  }),
  product("gift-4", {
    catalogId: "catalog_legacy_default",
    sku: "SP-001",
    name: "Luxury Spa Gift Set",
    price: 129.99,
    category: "Wellness",
    availableQuantity: 60,
    description: "Pamper yourself with this premium spa collection featuring organic bath products and aromatherapy essentials.",
    longDescription: "Transform your bathroom into a luxurious spa retreat with this comprehensive wellness collection. Featuring organic bath salts, essential oil blends, premium body lotions, and artisanal soaps, every product is carefully crafted with natural ingredients. The set includes a plush bamboo towel and comes in beautiful eco-friendly packaging.",
    imageUrl: "https://images.unsplash.com/photo-1608571423902-eed4a5ad8108?w=800&q=80",
    features: [
      "Organic bath products",
      "Essential oil aromatherapy",
      "Premium body care items",
      "Bamboo towel included",
      "Eco-friendly packaging",
      "Cruelty-free & vegan"
    ],
    specifications: {
      Contents: "Bath salts, 3 essential oils, body lotion, 4 artisanal soaps, bamboo towel",
      Ingredients: "100% organic and natural",
      Scents: "Lavender, Eucalyptus, Rose",
      Size: "Full-size products",
      Certifications: "Organic, Cruelty-free, Vegan",
      Packaging: "Recyclable materials"
    }
  }),
  product("gift-5", {
    catalogId: "catalog_legacy_default",
    sku: "CK-001",
    name: "Professional Chef Knife Set",
    price: 189.99,
    category: "Home & Kitchen",
    availableQuantity: 40,
    description: "High-carbon stainless steel knife set with ergonomic handles, perfect for culinary enthusiasts.",
    longDescription: "Elevate your cooking experience with this professional-grade knife set. Crafted from premium high-carbon German stainless steel, each knife is precision-forged for exceptional sharpness and durability. The ergonomic handles provide perfect balance and control. Includes a chef's knife, santoku, utility knife, paring knife, bread knife, and a beautiful wooden block.",
    imageUrl: "https://images.unsplash.com/photo-1593618998160-e34014e67546?w=800&q=80",
    features: [
      "High-carbon stainless steel",
      "Precision-forged blades",
      "Ergonomic handles",
      "Full tang construction",
      "Wooden storage block",
      "Lifetime warranty"
    ],
    specifications: {
      Material: "German high-carbon stainless steel",
      "Set Includes": "8\" Chef, 7\" Santoku, 5\" Utility, 3.5\" Paring, 8\" Bread knife",
      Handle: "Triple-riveted polymer",
      Hardness: "56-58 HRC",
      Care: "Hand wash recommended",
      Warranty: "Lifetime"
    }
  }),
  product("gift-6", {
    catalogId: "catalog_legacy_default",
    sku: "PS-001",
    name: "Portable Bluetooth Speaker",
    price: 149.99,
    category: "Electronics",
    availableQuantity: 85,
    description: "360-degree sound with deep bass, waterproof design, and 20-hour battery life.",
    longDescription: "Take your music anywhere with this powerful portable speaker. Featuring 360-degree sound dispersion, enhanced bass response, and crystal-clear audio, it delivers an immersive listening experience. The rugged, waterproof design (IPX7 rated) makes it perfect for outdoor adventures, pool parties, or beach trips. Connect two speakers for stereo sound.",
    imageUrl: "https://images.unsplash.com/photo-1608043152269-423dbba4e7e1?w=800&q=80",
    features: [
      "360-degree sound",
      "IPX7 waterproof rating",
      "20-hour battery life",
      "Bluetooth 5.0",
      "Dual speaker pairing",
      "Built-in microphone"
    ],
    specifications: {
      "Output Power": "30W",
      Battery: "20 hours playtime",
      Bluetooth: "5.0, 100ft range",
      "Water Resistance": "IPX7",
      Dimensions: "7.5\" × 3\" diameter",
      Weight: "1.5 lbs"
    }
  })
] as const

/** The stakeholder sites offer the default catalogue; the event site at 10% off. */
export const demoAssignments = [
  { siteId: "demo-event-serial-card", catalogId: "catalog_legacy_default", priceAdjustment: { type: "percentage", value: -10 } },
  { siteId: "demo-event-ship-to-store", catalogId: "catalog_legacy_default", priceAdjustment: null },
  { siteId: "demo-service-award", catalogId: "catalog_legacy_default", priceAdjustment: null },
  { siteId: "demo-service-award-celebration", catalogId: "catalog_legacy_default", priceAdjustment: null },
  { siteId: "demo-employee-onboarding", catalogId: "catalog_legacy_default", priceAdjustment: null }
] as const

/**
 * A few orders of the demo employees, one per status along the way, placed `daysAgo` before the
 * seed runs so that a dashboard has recent activity.
 */
export const demoOrders = [
  { legacyId: "demo-order-1", siteId: "demo-event-serial-card", employeeId: "emp-001", productId: "gift-1", status: "delivered", daysAgo: 40 },
  { legacyId: "demo-order-2", siteId: "demo-event-serial-card", employeeId: "emp-002", productId: "gift-3", status: "shipped", daysAgo: 12 },
  { legacyId: "demo-order-3", siteId: "demo-event-ship-to-store", employeeId: "emp-004", productId: "gift-2", status: "confirmed", daysAgo: 5 },
  { legacyId: "demo-order-4", siteId: "demo-service-award", employeeId: "emp-006", productId: "gift-5", status: "pending", daysAgo: 1 }
] as const
