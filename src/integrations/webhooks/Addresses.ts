/**
 * What kind of address an IP is (IANA's special-purpose registries), so the webhook sender can
 * refuse to call into our own network: loopback, private, link-local (incl. the cloud metadata
 * service on 169.254.169.254), multicast, reserved, documentation. Parsing and range matching are
 * node:net's (`isIP`, `BlockList`); no address arithmetic of our own.
 */
import { BlockList, isIP } from "node:net"
import type { UrlPolicy } from "../../domain/webhooks/WebhookTransport.js"

export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "multicast"
  | "unspecified"
  | "reserved"
  | "documentation"

type Subnet = readonly [network: string, prefix: number]

/** The special ranges, most specific class first (0.0.0.0 is unspecified before 0.0.0.0/8 is reserved). */
const Ranges: ReadonlyArray<{ readonly class: Exclude<AddressClass, "public">; readonly v4: ReadonlyArray<Subnet>; readonly v6: ReadonlyArray<Subnet> }> = [
  { class: "unspecified", v4: [["0.0.0.0", 32]], v6: [["::", 128]] },
  { class: "loopback", v4: [["127.0.0.0", 8]], v6: [["::1", 128]] },
  {
    class: "private",
    // RFC 1918, 100.64/10 shared address space (carrier-grade NAT), unique local fc00::/7 and the
    // deprecated site-local fec0::/10 that some stacks still route as private.
    v4: [["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], ["100.64.0.0", 10]],
    v6: [["fc00::", 7], ["fec0::", 10]]
  },
  { class: "link-local", v4: [["169.254.0.0", 16]], v6: [["fe80::", 10]] },
  { class: "multicast", v4: [["224.0.0.0", 4]], v6: [["ff00::", 8]] },
  {
    class: "documentation",
    v4: [["192.0.2.0", 24], ["198.51.100.0", 24], ["203.0.113.0", 24]],
    v6: [["2001:db8::", 32], ["3fff::", 20]]
  },
  {
    class: "reserved",
    // "This network" 0/8 (Linux connects 0.x to the host itself), IETF protocol assignments,
    // the 6to4 relay anycast, benchmarking, 240/4 incl. broadcast; IPv4-compatible ::/96,
    // discard-only 100::/64, IETF 2001::/23, 6to4 2002::/16 (deprecated; embeds any IPv4) and
    // the local-use NAT64 prefix 64:ff9b:1::/48.
    v4: [["0.0.0.0", 8], ["192.0.0.0", 24], ["192.88.99.0", 24], ["198.18.0.0", 15], ["240.0.0.0", 4]],
    v6: [["::", 96], ["100::", 64], ["2001::", 23], ["2002::", 16], ["64:ff9b:1::", 48]]
  }
]

/**
 * Node's BlockList matches across families (an IPv4 rule matches its IPv4-mapped IPv6 form and
 * an IPv6 rule like ::/96 matches every IPv4 address), so each family has lists of its own and an
 * address is checked against its family's only.
 */
const listOf = (subnets: ReadonlyArray<Subnet>, family: "ipv4" | "ipv6") => {
  const list = new BlockList()
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, family)
  return list
}

/** The well-known NAT64 prefix: 64:ff9b::a.b.c.d is a.b.c.d through a NAT64 gateway. */
const Nat64 = "64:ff9b::"

const V4 = Ranges.map((range) => ({ class: range.class, list: listOf(range.v4, "ipv4") }))
const V6 = Ranges.map((range) => ({
  class: range.class,
  // An address embedded under the NAT64 prefix is what the gateway connects to: it is of its class.
  list: listOf([...range.v6, ...range.v4.map(([network, prefix]): Subnet => [`${Nat64}${network}`, 96 + prefix])], "ipv6")
}))
const Mapped = listOf([["::ffff:0:0", 96]], "ipv6")
const Nat64List = listOf([[Nat64, 96]], "ipv6")
/** Global unicast: every other IPv6 address is unallocated. */
const GlobalUnicast = listOf([["2000::", 3]], "ipv6")

/** The class of an IP address (v4, or v6 incl. IPv4-mapped `::ffff:10.0.0.1`); undefined when it is not one. */
export const classify = (address: string): AddressClass | undefined => {
  // A zone (fe80::1%eth0) names an interface, not another address; BlockList would not match it.
  const bare = address.replace(/%.*$/, "")
  switch (isIP(bare)) {
    case 4:
      return V4.find((range) => range.list.check(bare, "ipv4"))?.class ?? "public"
    case 6: {
      // ::ffff:a.b.c.d is a.b.c.d on the wire; the IPv4 rules match it as such.
      if (Mapped.check(bare, "ipv6")) return V4.find((range) => range.list.check(bare, "ipv6"))?.class ?? "public"
      const special = V6.find((range) => range.list.check(bare, "ipv6"))?.class
      if (special !== undefined) return special
      return Nat64List.check(bare, "ipv6") || GlobalUnicast.check(bare, "ipv6") ? "public" : "reserved"
    }
    default:
      return undefined
  }
}

/** Whether the policy forbids calling `address`: anything but a public address, or loopback when allowed; and anything not an IP. */
export const isForbidden = (address: string, policy: UrlPolicy): boolean => {
  const kind = classify(address)
  return !(kind === "public" || (kind === "loopback" && policy.allowLoopback))
}
