/**
 * The demo data `app seed` loads (and `app serve` on a brand-new embedded database): the old
 * platform's demo client with its stakeholder sites' branding, and the reseed clients
 * (peer-integrations §7), under their legacy ids so every backend seeds the same records.
 */
import { Schema } from "effect"
import { Catalog } from "../domain/catalogs/Catalog.js"
import { Client } from "../domain/clients/Client.js"
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
