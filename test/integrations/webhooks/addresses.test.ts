/**
 * Address classes for the SSRF guard: loopback, private, link-local (the metadata service),
 * multicast, reserved, documentation, public, in IPv4, IPv6 and IPv4-mapped IPv6; and which of
 * them a policy forbids (all but public, and loopback only when allowed).
 */
import { describe, expect, it } from "@effect/vitest"
import { type AddressClass, classify, isForbidden } from "../../../src/integrations/webhooks/Addresses.js"

const table: ReadonlyArray<readonly [string, AddressClass]> = [
  ["8.8.8.8", "public"],
  ["1.1.1.1", "public"],
  ["172.32.0.1", "public"],
  ["172.15.255.255", "public"],
  ["100.128.0.1", "public"],
  ["2606:4700::1111", "public"],
  ["2a00:1450:4001:80b::200e", "public"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["::1", "loopback"],
  ["::ffff:127.0.0.1", "loopback"],
  ["10.0.0.1", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["100.64.0.1", "private"],
  ["100.127.255.255", "private"],
  ["fc00::1", "private"],
  ["fd12:3456:789a::1", "private"],
  ["::ffff:10.0.0.1", "private"],
  ["::ffff:a00:1", "private"],
  ["169.254.169.254", "link-local"],
  ["169.254.0.1", "link-local"],
  ["fe80::1", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["::ffff:169.254.169.254", "link-local"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["ff02::1", "multicast"],
  ["0.0.0.0", "unspecified"],
  ["::", "unspecified"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["0.1.2.3", "reserved"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.255", "reserved"],
  ["198.18.0.1", "reserved"],
  ["192.0.0.8", "reserved"],
  ["100::1", "reserved"],
  ["2002:a00:1::1", "reserved"],
  ["::10.0.0.1", "reserved"],
  ["4000::1", "reserved"],
  ["192.0.2.1", "documentation"],
  ["198.51.100.7", "documentation"],
  ["203.0.113.9", "documentation"],
  ["2001:db8::1", "documentation"],
  // Through the NAT64 prefix an address is what it embeds.
  ["64:ff9b::a9fe:a9fe", "link-local"],
  ["64:ff9b::10.0.0.1", "private"],
  ["64:ff9b::8.8.8.8", "public"]
]

describe("Address classes", () => {
  it.each(table)("%s is %s", (address, expected) => {
    expect(classify(address)).toBe(expected)
  })

  it("tells what is not an IP address", () => {
    for (const notIp of ["localhost", "127.1", "0x7f000001", "2130706433", "10.0.0.256", "", "fe80::1::2"]) expect(classify(notIp)).toBeUndefined()
  })

  it("forbids all but public addresses, and loopback unless the policy allows it", () => {
    const strict = { requireHttps: true, allowLoopback: false }
    const loopbackOk = { requireHttps: false, allowLoopback: true }
    for (const [address, kind] of table) {
      expect(isForbidden(address, strict), address).toBe(kind !== "public")
      expect(isForbidden(address, loopbackOk), address).toBe(kind !== "public" && kind !== "loopback")
    }
    expect(isForbidden("localhost", loopbackOk)).toBe(true)
  })
})
