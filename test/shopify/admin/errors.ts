import type { GraphQLError, GraphQLFormattedError } from "graphql";

/**
 * Errors worded the way Shopify's GraphQL server (graphql-ruby) words them, with the code it puts
 * in extensions.code, so a client's error handling meets the same texts as in production.
 */

type Translation = { message: string; extensions: Record<string, unknown> };

/** "[Customer!]!" → "Customer" */
const bare = (type: string | undefined) => (type ?? "").replace(/[[\]!]/g, "");

/** graphql-js validation messages and their graphql-ruby wording; unrecognised ones keep their text. */
const VALIDATION_RULES: [RegExp, (m: RegExpExecArray) => Translation][] = [
  [/^Cannot query field "(\w+)" on type "(\w+)"/, (m) => ({ message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] } })],
  [/^Unknown argument "(\w+)" on field "\w+\.(\w+)"/, (m) => ({ message: `Field '${m[2]}' doesn't accept argument '${m[1]}'`, extensions: { code: "argumentNotAccepted", name: m[2], typeName: "Field", argumentName: m[1] } })],
  [/^Field "(\w+)" argument "(\w+)" of type "[^"]+" is required/, (m) => ({ message: `Field '${m[1]}' is missing required arguments: ${m[2]}`, extensions: { code: "missingRequiredArguments", className: "Field", name: m[1], arguments: m[2] } })],
  [/^Field "(\w+)" of type "([^"]+)" must have a selection of subfields/, (m) => ({ message: `Field must have selections (field '${m[1]}' returns ${bare(m[2])} but has no selections. Did you mean '${m[1]} { ... }'?)`, extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName: bare(m[2]) } })],
  [/^Field "(\w+)" must not have a selection since type "([^"]+)"/, (m) => ({ message: `Selections can't be made on scalars (field '${m[1]}' returns ${bare(m[2])} but has selections)`, extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName: bare(m[2]) } })],
  [/^Variable "\$(\w+)" is never used/, (m) => ({ message: `Variable $${m[1]} is declared but not used`, extensions: { code: "variableNotUsed", variableName: m[1] } })],
  [/^Variable "\$(\w+)" is not defined/, (m) => ({ message: `Variable $${m[1]} is used but not declared`, extensions: { code: "variableNotDefined", variableName: m[1] } })],
  [/^Unknown type "(\w+)"/, (m) => ({ message: `${m[1]} isn't a defined input type`, extensions: { code: "variableRequiresValidType", typeName: m[1] } })],
  [/^Unknown fragment "(\w+)"/, (m) => ({ message: `Fragment ${m[1]} was used, but not defined`, extensions: { code: "useAndDefineFragment", fragmentName: m[1] } })],
  [/^Variable "\$(\w+)" of type "([^"]+)" used in position expecting type "([^"]+)"/, (m) => ({ message: `Type mismatch on variable $${m[1]} and argument (${m[2]} / ${m[3]})`, extensions: { code: "variableMismatch", variableName: m[1], typeName: m[2] } })],
  [/cannot represent|Expected value of type|Enum "\w+" has no value/, () => ({ message: "", extensions: { code: "argumentLiteralsIncompatible" } })],
];

export function formatValidationError(error: GraphQLError): GraphQLFormattedError {
  const formatted = error.toJSON();
  for (const [re, translate] of VALIDATION_RULES) {
    const m = re.exec(error.message);
    if (!m) continue;
    const t = translate(m);
    return { message: t.message || formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), extensions: t.extensions };
  }
  return { ...formatted, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } };
}

export function formatError(error: GraphQLError, fallbackCode?: string): GraphQLFormattedError {
  const formatted = error.toJSON();
  const code = formatted.extensions?.["code"] ?? fallbackCode;
  return { ...formatted, ...(code ? { extensions: { ...formatted.extensions, code } } : {}) };
}

/** Variable coercion failures, worded as graphql-ruby words them (`Variable $id of type ID! was provided invalid value`). */
export function formatVariableError(error: GraphQLError): GraphQLFormattedError {
  const formatted = error.toJSON();
  const m = /^Variable "\$(\w+)" (?:of (?:required |non-null )?type "([^"]+)" )?(?:got invalid value|has invalid value|was not provided)/.exec(error.message);
  if (!m) return formatError(error, "INVALID_VARIABLE");
  return {
    message: `Variable $${m[1]} of type ${m[2] ?? "?"} was provided invalid value`,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: "INVALID_VARIABLE", value: null, problems: [{ path: [], explanation: error.message }] },
  };
}
