/**
 * The relational schema of the core entities (after ../shared/reference/peer-schema.md, with its
 * contradictions fixed), the id map, the KV table and the migration bookkeeping tables.
 *
 * Fixes relative to the peer schema, on purpose:
 * - no `updated_at` triggers: the application sets timestamps, so migrated rows keep theirs;
 * - every entity row carries `environment` and its canonical `legacy_id`;
 * - client status allows `suspended` (the legacy CRUD value) and contact e-mail may be null;
 * - a reference to another entity is a `text` column without a foreign key: each entity can live
 *   in PostgreSQL or in the KV store (per-entity storage), so the parent of a row may not be in
 *   this database, and its id may be a legacy id. The domain services check references on both
 *   layers alike (a missing parent is refused, a parent with children cannot be deleted);
 * - orders may lack a total (legacy CRUD orders had none); no status-timestamp CHECK on orders;
 * - brand names are unique per client including global brands (NULL client no longer distinct).
 */
import { runStatements } from "./Statements.js"

const environment = `environment text not null default 'development' check (environment in ('development', 'production'))`
const email = (column: string) => `${column} ~ '^[^[:space:]@]+@[^[:space:]@]+\\.[^[:space:]@]+$'`
const stamps = `created_at timestamptz not null default now(), updated_at timestamptz not null default now()`

export const statements = [
  // Every legacy id that ever named a record, resolved to the uuid of the surviving row.
  `create table id_map (
    entity text not null,
    environment text not null check (environment in ('development', 'production')),
    scope text not null default '',
    legacy_id text not null,
    target_id uuid not null,
    created_at timestamptz not null default now(),
    primary key (entity, environment, scope, legacy_id)
  )`,
  `create index id_map_target_idx on id_map (entity, target_id)`,

  `create table clients (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    name text not null check (char_length(name) between 2 and 200),
    description text,
    contact_email text check (contact_email is null or ${email("contact_email")}),
    status text not null default 'active' check (status in ('active', 'inactive', 'suspended')),
    client_code text,
    client_region text,
    client_source_code text,
    client_contact_name text,
    client_contact_phone text,
    client_tax_id text,
    client_address_line_1 text,
    client_address_line_2 text,
    client_address_line_3 text,
    client_city text,
    client_postal_code text,
    client_country_state text,
    client_country text,
    client_account_manager text,
    client_account_manager_email text,
    client_implementation_manager text,
    client_implementation_manager_email text,
    technology_owner text,
    technology_owner_email text,
    client_url text,
    client_allow_session_timeout_extend boolean not null default false,
    client_authentication_method text,
    client_custom_url text,
    client_has_employee_data boolean not null default false,
    client_invoice_type text,
    client_invoice_template_type text,
    client_po_type text,
    client_po_number text,
    client_erp_system text,
    client_sso text,
    client_hris_system text,
    settings jsonb not null default '{}',
    branding_overrides jsonb not null default '{}',
    header_footer_config jsonb not null default '{}',
    ${stamps}
  )`,
  `create unique index clients_code_unique on clients (environment, lower(client_code)) where client_code is not null`,
  `create unique index clients_legacy_id_unique on clients (environment, legacy_id) where legacy_id is not null`,
  `create index clients_listing_idx on clients (environment, created_at desc, id desc)`,
  `create index clients_status_idx on clients (environment, status)`,

  `create table brands (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    client_id text,
    name text not null check (char_length(name) between 2 and 200),
    description text,
    logo_url text,
    favicon_url text,
    settings jsonb not null default '{}',
    primary_color text,
    secondary_color text,
    tertiary_color text,
    background_color text,
    text_color text,
    body_text_color_dark text,
    body_text_color_light text,
    accent_color_1 text,
    accent_color_2 text,
    heading_font text,
    body_font text,
    contact_email text,
    contact_phone text,
    website_url text,
    status text not null default 'active' check (status in ('active', 'inactive')),
    ${stamps}
  )`,
  `create unique index brands_name_unique on brands (environment, coalesce(client_id, ''), lower(name))`,
  `create index brands_client_idx on brands (client_id) where client_id is not null`,
  `alter table clients add column default_brand_id text`,

  `create table catalogs (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    name text not null check (char_length(name) between 2 and 200),
    description text,
    type text not null check (type in ('erp', 'manual', 'vendor', 'dropship')),
    status text not null default 'active' check (status in ('draft', 'active', 'inactive', 'syncing', 'error')),
    source jsonb not null default '{}',
    settings jsonb not null default '{}',
    managed_by text,
    owner_id text,
    last_synced_at timestamptz,
    next_sync_at timestamptz,
    ${stamps}
  )`,
  `create index catalogs_listing_idx on catalogs (environment, created_at desc, id desc)`,
  `create index catalogs_owner_idx on catalogs (owner_id) where owner_id is not null`,

  `create table products (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    catalog_id text not null,
    sku text not null check (char_length(sku) between 1 and 100),
    external_id text,
    external_sku text,
    name text not null check (char_length(name) between 2 and 200),
    description text,
    long_description text,
    category text,
    brand text,
    tags jsonb not null default '[]',
    price numeric(12, 2) not null check (price >= 0),
    cost numeric(12, 2) check (cost is null or cost >= 0),
    msrp numeric(12, 2) check (msrp is null or msrp >= 0),
    currency text not null default 'USD' check (char_length(currency) = 3),
    images jsonb not null default '[]',
    image_url text,
    features jsonb not null default '[]',
    specifications jsonb not null default '{}',
    available_quantity integer not null default 0 check (available_quantity >= 0),
    track_inventory boolean not null default true,
    status text not null default 'active' check (status in ('active', 'inactive', 'out_of_stock', 'discontinued')),
    is_active boolean generated always as (status = 'active') stored,
    sync_status text not null default 'manual' check (sync_status in ('synced', 'modified', 'conflict', 'manual')),
    sync_notes text,
    last_synced_at timestamptz,
    deleted_at timestamptz,
    ${stamps},
    constraint products_catalog_sku_unique unique (catalog_id, sku)
  )`,
  `create index products_catalog_idx on products (catalog_id, status)`,
  `create index products_listing_idx on products (environment, created_at desc, id desc)`,
  `create index products_category_idx on products (category) where category is not null`,

  `create table sites (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    client_id text not null,
    catalog_id text,
    brand_id text,
    name text not null check (char_length(name) between 2 and 200),
    description text,
    slug text not null check (slug ~ '^[a-z0-9-]+$'),
    status text not null default 'draft' check (status in ('draft', 'active', 'inactive')),
    validation_methods jsonb not null default '[]',
    branding jsonb not null default '{}',
    branding_overrides jsonb not null default '{}',
    selection_start_date timestamptz,
    selection_end_date timestamptz,
    site_code text,
    site_erp_integration text,
    site_erp_instance text,
    site_ship_from_country text,
    site_hris_system text,
    site_drop_down_name text,
    site_custom_domain_url text,
    site_account_manager text,
    site_account_manager_email text,
    site_celebrations_enabled boolean not null default false,
    allow_session_timeout_extend boolean not null default false,
    enable_employee_log_report boolean not null default false,
    regional_client_info jsonb not null default '{}',
    disable_direct_access_auth boolean not null default false,
    sso_provider text,
    sso_client_office_name text,
    gifts_per_user integer not null default 1 check (gifts_per_user > 0),
    default_language text not null default 'en' check (char_length(default_language) = 2),
    default_currency text not null default 'USD' check (char_length(default_currency) = 3),
    default_country text not null default 'US' check (char_length(default_country) = 2),
    allow_quantity_selection boolean not null default false,
    show_pricing boolean not null default true,
    default_gift_id text,
    skip_review_page boolean not null default false,
    skip_landing_page boolean not null default false,
    expired_message text,
    default_gift_days_after_close integer not null default 0 check (default_gift_days_after_close >= 0),
    available_languages text[] not null default array['en'],
    translations jsonb not null default '{}',
    legacy_settings jsonb not null default '{}',
    draft_settings jsonb,
    ${stamps},
    constraint sites_dates_check check
      (selection_start_date is null or selection_end_date is null or selection_start_date < selection_end_date)
  )`,
  `create unique index sites_slug_unique on sites (environment, slug)`,
  `create index sites_client_idx on sites (client_id, status)`,
  `create index sites_listing_idx on sites (environment, created_at desc, id desc)`,

  // The site catalogue: several catalogues per site, price overrides, exclusions.
  `create table site_catalog_assignments (
    id uuid primary key default gen_random_uuid(),
    ${environment},
    site_id text not null,
    catalog_id text not null,
    settings jsonb not null default '{}',
    created_by text,
    updated_by text,
    ${stamps},
    constraint site_catalog_assignments_unique unique (environment, site_id, catalog_id)
  )`,
  `create index site_catalog_assignments_catalog_idx on site_catalog_assignments (environment, catalog_id)`,

  `create table site_price_overrides (
    id uuid primary key default gen_random_uuid(),
    ${environment},
    site_id text not null,
    product_id text not null,
    override_price numeric(12, 2) not null check (override_price >= 0),
    reason text,
    created_by text,
    updated_by text,
    ${stamps},
    constraint site_price_overrides_unique unique (environment, site_id, product_id)
  )`,
  `create index site_price_overrides_product_idx on site_price_overrides (product_id)`,

  `create table site_category_exclusions (
    id uuid primary key default gen_random_uuid(),
    ${environment},
    site_id text not null,
    category text not null check (char_length(category) between 1 and 100),
    reason text,
    created_by text,
    created_at timestamptz not null default now()
  )`,
  `create unique index site_category_exclusions_unique on site_category_exclusions (environment, site_id, lower(category))`,

  `create table site_product_exclusions (
    id uuid primary key default gen_random_uuid(),
    ${environment},
    site_id text not null,
    product_id text not null,
    reason text,
    excluded_by text,
    created_at timestamptz not null default now(),
    constraint site_product_exclusions_unique unique (environment, site_id, product_id)
  )`,
  `create index site_product_exclusions_product_idx on site_product_exclusions (product_id)`,

  // Exclusions by SKU, tag or brand (the old platform kept them in its KV site configuration).
  `create table site_exclusions (
    id uuid primary key default gen_random_uuid(),
    ${environment},
    site_id text not null,
    kind text not null check (kind in ('sku', 'tag', 'brand')),
    value text not null check (char_length(value) between 1 and 100),
    reason text,
    created_by text,
    created_at timestamptz not null default now()
  )`,
  `create unique index site_exclusions_unique on site_exclusions (environment, site_id, kind, lower(value))`,

  `create table site_gift_configs (
    id uuid primary key default gen_random_uuid(),
    ${environment},
    site_id text not null,
    assignment_strategy text not null default 'all'
      check (assignment_strategy in ('all', 'price_levels', 'exclusions', 'explicit', 'categories')),
    selected_product_ids jsonb not null default '[]',
    excluded_product_ids jsonb not null default '[]',
    included_categories jsonb not null default '[]',
    excluded_categories jsonb not null default '[]',
    excluded_skus jsonb not null default '[]',
    price_levels jsonb not null default '[]',
    selected_level_id text,
    min_price numeric(12, 2),
    max_price numeric(12, 2),
    filters jsonb not null default '{}',
    ${stamps},
    constraint site_gift_configs_site_unique unique (environment, site_id),
    constraint site_gift_configs_price_check check (min_price is null or max_price is null or min_price <= max_price)
  )`,

  `create table employees (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    client_id text not null,
    site_id text,
    employee_id text,
    email text check (email is null or ${email("email")}),
    serial_card_number text,
    name text,
    first_name text,
    last_name text,
    department text,
    job_title text,
    country text,
    region text,
    location text,
    hire_date date,
    status text not null default 'active' check (status in ('active', 'inactive')),
    metadata jsonb not null default '{}',
    ${stamps},
    constraint employees_identifier_check check
      (email is not null or employee_id is not null or serial_card_number is not null)
  )`,
  `create unique index employees_client_email_unique on employees (client_id, lower(email)) where email is not null`,
  `create unique index employees_client_employee_id_unique on employees (client_id, employee_id) where employee_id is not null`,
  `create index employees_site_idx on employees (site_id, status) where site_id is not null`,
  `create index employees_serial_card_idx on employees (serial_card_number) where serial_card_number is not null`,
  `create index employees_listing_idx on employees (environment, created_at desc, id desc)`,

  `create table orders (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    client_id text,
    site_id text not null,
    product_id text,
    employee_id text,
    order_number text not null,
    customer_name text,
    customer_email text check (customer_email is null or ${email("customer_email")}),
    customer_employee_id text,
    status text not null default 'pending'
      check (status in ('pending', 'confirmed', 'processing', 'shipped', 'delivered', 'cancelled', 'failed')),
    quantity integer not null default 1 check (quantity > 0),
    total_amount numeric(12, 2) check (total_amount is null or total_amount >= 0),
    currency text not null default 'USD' check (char_length(currency) = 3),
    shipping_address jsonb not null default '{}',
    tracking_number text,
    carrier text,
    items jsonb not null default '[]',
    timeline jsonb not null default '[]',
    metadata jsonb not null default '{}',
    notes text,
    confirmed_at timestamptz,
    shipped_at timestamptz,
    delivered_at timestamptz,
    cancelled_at timestamptz,
    deleted_at timestamptz,
    ${stamps}
  )`,
  `create index orders_site_created_idx on orders (site_id, created_at desc)`,
  `create index orders_site_status_idx on orders (site_id, status)`,
  `create index orders_client_created_idx on orders (client_id, created_at desc)`,
  `create index orders_product_idx on orders (product_id) where product_id is not null`,
  `create index orders_employee_idx on orders (employee_id) where employee_id is not null`,
  `create index orders_number_idx on orders (environment, order_number)`,
  // Numbers Confetti gives are unique; legacy ones were not (colliding generators), and stay as they were.
  `create unique index orders_number_unique on orders (environment, order_number) where legacy_id is null`,
  `create index orders_listing_idx on orders (environment, created_at desc, id desc)`,

  `create table analytics_events (
    id uuid primary key default gen_random_uuid(),
    ${environment},
    client_id text,
    site_id text,
    event_type text not null check (char_length(event_type) >= 2),
    user_id text,
    session_id text,
    event_data jsonb not null default '{}',
    ip_address inet,
    user_agent text,
    referrer text,
    created_at timestamptz not null default now()
  )`,
  `create index analytics_events_site_idx on analytics_events (site_id, created_at desc) where site_id is not null`,
  `create index analytics_events_client_idx on analytics_events (client_id, created_at desc) where client_id is not null`,

  `create table admin_users (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    email text not null check (${email("email")}),
    username text,
    password_hash text,
    full_name text,
    role text not null default 'admin' check (role in ('super_admin', 'admin', 'client_admin', 'viewer')),
    status text not null default 'active' check (status in ('active', 'inactive', 'suspended')),
    client_access jsonb not null default '"all"',
    require_password_change boolean not null default false,
    last_login_at timestamptz,
    ${stamps}
  )`,
  `create unique index admin_users_email_unique on admin_users (environment, lower(email))`,
  `create unique index admin_users_username_unique on admin_users (environment, lower(username)) where username is not null`,

  `create table audit_logs (
    id uuid primary key default gen_random_uuid(),
    ${environment},
    action text not null,
    entity_type text,
    entity_id text,
    user_id text,
    user_email text,
    user_type text check (user_type is null or user_type in ('admin', 'employee', 'system', 'anonymous')),
    ip_address inet,
    user_agent text,
    status text not null default 'success' check (status in ('success', 'failure', 'warning')),
    details jsonb not null default '{}',
    error_message text,
    created_at timestamptz not null default now()
  )`,
  `create index audit_logs_entity_idx on audit_logs (entity_type, entity_id) where entity_type is not null`,
  `create index audit_logs_created_idx on audit_logs (created_at desc)`,

  `create table email_templates (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    site_id text,
    client_id text,
    name text not null check (char_length(name) >= 2),
    description text,
    template_type text not null check (template_type in ('global', 'client', 'site')),
    event_type text not null,
    subject text not null check (char_length(subject) >= 1),
    body_html text not null,
    body_text text,
    variables jsonb not null default '[]',
    from_name text,
    from_email text,
    reply_to text,
    status text not null default 'active' check (status in ('active', 'inactive', 'draft')),
    is_default boolean not null default false,
    ${stamps},
    constraint email_templates_scope_check check (
      (template_type = 'global' and site_id is null and client_id is null)
      or (template_type = 'client' and client_id is not null and site_id is null)
      or (template_type = 'site' and site_id is not null)
    )
  )`,
  `create index email_templates_scope_idx on email_templates (environment, template_type, event_type)`,
  `create index email_templates_site_idx on email_templates (site_id, event_type) where site_id is not null`,

  // The legacy key-value table; keys sort by byte order so prefix listing uses the index.
  `create table kv_store (key text collate "C" primary key, value jsonb not null)`,

  // Data migration bookkeeping: one row per run, its checkpoint, and every rejected record.
  `create table migration_runs (
    id uuid primary key default gen_random_uuid(),
    entity text not null,
    direction text not null check (direction in ('kv_to_pg', 'pg_to_kv')),
    source text not null,
    target text not null,
    environment text not null,
    dry_run boolean not null default false,
    status text not null default 'running' check (status in ('running', 'completed', 'failed', 'interrupted')),
    counts jsonb not null default '{}',
    report jsonb,
    error text,
    started_at timestamptz not null default now(),
    finished_at timestamptz
  )`,
  `create index migration_runs_entity_idx on migration_runs (entity, started_at desc)`,
  `create table migration_checkpoints (
    run_id uuid primary key references migration_runs (id) on delete cascade,
    phase text not null,
    last_key text,
    counts jsonb not null default '{}',
    updated_at timestamptz not null default now()
  )`,
  `create table migration_rejects (
    run_id uuid not null references migration_runs (id) on delete cascade,
    key text not null,
    reason text not null,
    detail text,
    created_at timestamptz not null default now(),
    primary key (run_id, key)
  )`
]

export default runStatements(statements)
