/** `{{variable}}` rendering: the peer's syntax, values escaped in HTML only, missing values reported. */
import { describe, expect, it } from "@effect/vitest"
import { escapeHtml, render } from "../../src/domain/emailTemplates/Render.js"

describe("render", () => {
  it("replaces every occurrence, case-sensitively, and leaves other braces alone", () => {
    const out = render(
      { subject: "{{a}}{{a}} {{A}}", bodyHtml: "{{ a }} {{a}} {{1x}} {a}", bodyText: "{{a}}-{{b}}" },
      { a: 1, A: true, b: null }
    )
    expect(out).toEqual({ subject: "11 true", bodyHtml: "{{ a }} 1 {{1x}} {a}", bodyText: "1-", missingVariables: [] })
  })

  it("escapes values in the HTML body only, and keeps the subject on one line", () => {
    const values = { v: "<script>alert('x')</script> & \"q\"\r\nnext" }
    const out = render({ subject: "S: {{v}}", bodyHtml: "<p title=\"{{v}}\">{{v}}</p>", bodyText: "{{v}}" }, values)
    expect(out.bodyHtml).toBe(`<p title="${escapeHtml(values.v)}">${escapeHtml(values.v)}</p>`)
    expect(out.bodyHtml).not.toContain("<script>")
    expect(out.bodyHtml).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
    expect(out.subject).toBe("S: <script>alert('x')</script> & \"q\" next")
    expect(out.bodyText).toBe(values.v)
  })

  it("renders placeholders without a value empty and lists them once, in order of first use", () => {
    const out = render({ subject: "{{b}}", bodyHtml: "{{a}}{{b}}{{toString}}", bodyText: null }, { c: "unused" })
    expect(out).toEqual({ subject: "", bodyHtml: "", bodyText: null, missingVariables: ["b", "a", "toString"] })
  })
})
