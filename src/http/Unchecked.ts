/**
 * Response schemas that encode without checking constraints again. A response is built from
 * domain values that were validated when they were made (decoded from a row, a request or a
 * legacy record), so re-running every filter of every field on the way out (lengths, control
 * characters, cents, enumerations…) only costs: about half the encoding time of a 50-product list.
 * The schema keeps its transformations (instants to ISO strings, …) and the refinements the
 * OpenAPI document shows, so the document is the same.
 */
import { Schema, SchemaAST as AST } from "effect"

const stripped = new WeakMap<AST.AST, AST.AST>()

const same = <A>(xs: ReadonlyArray<A>, ys: ReadonlyArray<A>) => xs.every((x, i) => x === ys[i])

/**
 * Refinements that say something in the OpenAPI document (a name, a title, a description, a JSON
 * Schema) stay; the others, plain checks such as Confetti's own field filters, go.
 */
const documented = (ast: AST.Refinement) =>
  [AST.IdentifierAnnotationId, AST.TitleAnnotationId, AST.DescriptionAnnotationId, AST.JSONSchemaAnnotationId, AST.SchemaIdAnnotationId]
    .some((id) => ast.annotations[id] !== undefined)

/** The AST without the refinements that only check. */
const strip = (ast: AST.AST): AST.AST => {
  const known = stripped.get(ast)
  if (known !== undefined) return known
  let out: AST.AST
  switch (ast._tag) {
    case "Refinement": {
      const from = strip(ast.from)
      out = !documented(ast) ? from : from === ast.from ? ast : new AST.Refinement(from, ast.filter, ast.annotations)
      break
    }
    case "Transformation": {
      const from = strip(ast.from)
      const to = strip(ast.to)
      out = from === ast.from && to === ast.to ? ast : new AST.Transformation(from, to, ast.transformation, ast.annotations)
      break
    }
    case "TypeLiteral": {
      const properties = ast.propertySignatures.map((p) => {
        const type = strip(p.type)
        return type === p.type ? p : new AST.PropertySignature(p.name, type, p.isOptional, p.isReadonly, p.annotations)
      })
      const indexes = ast.indexSignatures.map((s) => {
        const type = strip(s.type)
        return type === s.type ? s : new AST.IndexSignature(s.parameter, type, s.isReadonly)
      })
      out = same(properties, ast.propertySignatures) && same(indexes, ast.indexSignatures)
        ? ast
        : new AST.TypeLiteral(properties, indexes, ast.annotations)
      break
    }
    case "Union": {
      const types = ast.types.map(strip)
      out = same(types, ast.types) ? ast : AST.Union.make(types, ast.annotations)
      break
    }
    case "TupleType": {
      const elements = ast.elements.map((e) => {
        const type = strip(e.type)
        return type === e.type ? e : new AST.OptionalType(type, e.isOptional, e.annotations)
      })
      const rest = ast.rest.map((r) => {
        const type = strip(r.type)
        return type === r.type ? r : new AST.Type(type, r.annotations)
      })
      out = same(elements, ast.elements) && same(rest, ast.rest) ? ast : new AST.TupleType(elements, rest, ast.isReadonly, ast.annotations)
      break
    }
    case "Suspend": {
      const f = ast.f
      out = new AST.Suspend(() => strip(f()), ast.annotations)
      break
    }
    default:
      // Declarations (Schema classes) check their own instances; keywords and literals have nothing to strip.
      out = ast
  }
  stripped.set(ast, out)
  return out
}

/** `schema` for responses: the same shape, transformations and annotations, without refinement checks. */
export const unchecked = <S extends Schema.Schema.Any>(schema: S): S => Schema.make(strip(schema.ast)) as unknown as S
