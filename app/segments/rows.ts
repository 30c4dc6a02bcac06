import type { Argument, Clause, ComparisonOperator, Expression, FilterRef, Parameter, Query, Value, ValueList } from "./ast";
import { SegmentQueryError, type Span } from "./errors";
import type { ClauseOperator } from "./filters";
import { message, render, type Locale, type Message } from "./messages";
import { parse } from "./parser";
import { print, value as printValue } from "./print";
import { legacyMatches } from "./semantics";

/**
 * The rows model behind the segment editor: a segment as rows of *filter / operator / value*,
 * joined by AND or OR inside groups, the groups joined by the other one. Everything here is plain
 * JSON (it travels through Remix forms), and values are kept as query text (`100`, `'vip'`, `-30d`,
 * `2025-01-31`, `today`, `true`) so the editor can show and edit them and nothing is lost.
 *
 *   rowsFromQuery(parse(text))  → rows, or why the query cannot be shown as rows (and where)
 *   rowsProblems(rows)          → what is missing or unreadable, row by row, in plain words
 *   queryFromRows(rows)         → the canonical query text (print(parse(text)) === text), or the problems
 *   normaliseRows(rows)         → the one shape rows that mean the same query have
 *
 * Reasons and problems are in English unless a locale is given (messages.ts holds both languages).
 */

export type RowsCombinator = "AND" | "OR";

/** Groups joined by `combinator`. */
export interface Rows {
  combinator: RowsCombinator;
  groups: RowGroup[];
}

/** Rows joined by the group's combinator; in normal form it is the other one than the outer combinator. */
export interface RowGroup {
  combinator: RowsCombinator;
  rows: Row[];
}

/** `""` is an operator not chosen yet (an unset select). */
export type RowOperator = ClauseOperator | "";

export interface Row {
  /** `amount_spent`, `metafields.facts.birth_date`; `""` while not chosen */
  filter: string;
  /** the text inside the filter's parentheses, if any: anniversary's `date: 'metafields.facts.birth_date'` */
  args?: string;
  operator: RowOperator;
  /** query text of the value; BETWEEN's low end */
  value?: string;
  /** BETWEEN's high end */
  valueTo?: string;
  /** MATCHES / NOT MATCHES conditions; none (`[]` or left out) is `MATCHES ()`, "any at all" */
  parameters?: ParameterRow[];
}

export type ParameterOperator = ComparisonOperator | "BETWEEN" | "IN" | "NOT IN";

export interface ParameterRow {
  name: string;
  operator: ParameterOperator | "";
  /** query text of the value; for IN and NOT IN the list without parentheses (`1, 2`); BETWEEN's low end */
  value: string;
  /** BETWEEN's high end */
  valueTo?: string;
}

export type RowsFromQuery = { fits: true; rows: Rows } | { fits: false; reason: string; span: Span };

/** One thing wrong with the rows. `group`/`row`/`parameter` are 0-based; `row: null` is about the whole group, `group: null` about the whole segment. */
export interface RowProblem {
  group: number | null;
  row: number | null;
  /** the MATCHES condition the problem is in */
  parameter?: number;
  message: string;
}

export type QueryFromRows = { ok: true; text: string } | { ok: false; problems: RowProblem[] };

export const CLAUSE_OPERATORS: readonly ClauseOperator[] = [
  "=",
  "!=",
  ">",
  ">=",
  "<",
  "<=",
  "BETWEEN",
  "CONTAINS",
  "NOT CONTAINS",
  "IS NULL",
  "IS NOT NULL",
  "MATCHES",
  "NOT MATCHES",
];
export const PARAMETER_OPERATORS: readonly ParameterOperator[] = ["=", "!=", ">", ">=", "<", "<=", "BETWEEN", "IN", "NOT IN"];

function isClauseOperator(operator: string): operator is ClauseOperator {
  return (CLAUSE_OPERATORS as readonly string[]).includes(operator);
}

function isParameterOperator(operator: string): operator is ParameterOperator {
  return (PARAMETER_OPERATORS as readonly string[]).includes(operator);
}

export const NOT_REASON = render(message("rows.not"), "en");
export const NOT_GROUP_REASON = render(message("rows.notGroup"), "en");
export const TOO_DEEP_REASON = render(message("rows.tooDeep"), "en");
export const EMPTY_ARGS_REASON = render(message("rows.emptyArguments"), "en");

/** Why a query does not fit rows, before it is put into words. */
type NoFit = { fits: false; reason: Message; span: Span };

/** A RowProblem before it is put into words. */
type Problem = Omit<RowProblem, "message"> & { text: Message };

function inWords(problem: Problem, locale: Locale): RowProblem {
  const { text, ...place } = problem;
  return { ...place, message: render(text, locale) };
}

// ---------------------------------------------------------------------------------------------
// AST → rows

/**
 * The query as rows, when it fits: a single clause; an AND or an OR of clauses; an OR of ANDs of
 * clauses; an AND of ORs of clauses. NOT (anywhere), deeper nesting and empty parentheses after a
 * filter (`amount_spent() > 1`, which rows have no way to keep) do not fit: the answer then says
 * why in plain words, with the span of the offending part. The rows come out normalised (see
 * normaliseRows) and `queryFromRows` turns them back into exactly `print(query)`.
 */
export function rowsFromQuery(query: Query, locale: Locale = "en"): RowsFromQuery {
  const fitted = fit(query);
  return fitted.fits ? fitted : { fits: false, reason: render(fitted.reason, locale), span: fitted.span };
}

function fit(query: Query): { fits: true; rows: Rows } | NoFit {
  const top = query.expression;
  if (top.kind !== "And" && top.kind !== "Or") {
    const row = clauseRow(top);
    return "fits" in row ? row : { fits: true, rows: single(row) };
  }
  const outer = top.kind === "And" ? "AND" : "OR";
  const inner = other(outer);
  const groups: RowGroup[] = [];
  for (const operand of flatten(top)) {
    const parts = operand.kind === "And" || operand.kind === "Or" ? flatten(operand) : [operand];
    const rows: Row[] = [];
    for (const part of parts) {
      if (part.kind === "And" || part.kind === "Or") return { fits: false, reason: message("rows.tooDeep"), span: part.span };
      const row = clauseRow(part);
      if ("fits" in row) return row;
      rows.push(row);
    }
    groups.push({ combinator: inner, rows });
  }
  return { fits: true, rows: { combinator: outer, groups } };
}

/** A clause's row, or why it has none: NOT in front of it, or empty parentheses rows cannot keep. */
function clauseRow(node: Exclude<Expression, { kind: "And" | "Or" }>): Row | NoFit {
  if (node.kind === "Not") {
    const operand = node.operand;
    const reason = operand.kind === "And" || operand.kind === "Or" || operand.kind === "Not" ? message("rows.notGroup") : message("rows.not");
    return { fits: false, reason, span: node.span };
  }
  // `f()` other than the legacy `f() = true` (which prints as `f MATCHES ()`): args text "" would read back as no parentheses
  if (node.filter.args?.length === 0 && !legacyRow(node)) return { fits: false, reason: message("rows.emptyArguments"), span: node.filter.span };
  return rowFromClause(node);
}

/** The operands of an And (or Or), with directly nested ones of the same kind spread in: `(a AND b) AND c` is `a AND b AND c`. */
function flatten(node: Expression): Expression[] {
  if (node.kind !== "And" && node.kind !== "Or") return [node];
  return node.operands.flatMap((operand) => (operand.kind === node.kind ? flatten(operand) : [operand]));
}

function single(row: Row): Rows {
  return { combinator: "AND", groups: [{ combinator: "OR", rows: [row] }] };
}

function other(combinator: RowsCombinator): RowsCombinator {
  return combinator === "AND" ? "OR" : "AND";
}

/** One clause as a row; the legacy function form becomes a MATCHES row, as the printer writes it. */
export function rowFromClause(node: Clause): Row {
  const legacy = legacyRow(node);
  if (legacy) return legacy;
  const row = (operator: ClauseOperator, rest: Partial<Row> = {}): Row => ({
    filter: node.filter.name,
    ...(node.filter.args ? { args: argsText(node.filter.args) } : {}),
    operator,
    ...rest,
  });
  switch (node.kind) {
    case "Comparison":
      return row(node.operator, { value: printValue(node.value) });
    case "Between":
      return row("BETWEEN", { value: printValue(node.low), valueTo: printValue(node.high) });
    case "Contains":
      return row(node.negated ? "NOT CONTAINS" : "CONTAINS", { value: printValue(node.value) });
    case "NullCheck":
      return row(node.negated ? "IS NOT NULL" : "IS NULL");
    case "Matches":
      return row(node.negated ? "NOT MATCHES" : "MATCHES", { parameters: node.parameters.map(parameterRow) });
  }
}

/** `f(a: 1, b: (2, 3)) = true` → a `f MATCHES (a = 1, b IN (2, 3))` row, by the engine's one legacy rule. */
function legacyRow(node: Clause): Row | null {
  const legacy = legacyMatches(node);
  if (!legacy) return null;
  return { filter: node.filter.name, operator: legacy.negated ? "NOT MATCHES" : "MATCHES", parameters: legacy.parameters.map(parameterRow) };
}

function parameterRow(node: Parameter): ParameterRow {
  switch (node.kind) {
    case "ParamComparison":
      return { name: node.name, operator: node.operator, value: printValue(node.value) };
    case "ParamIn":
      return { name: node.name, operator: node.negated ? "NOT IN" : "IN", value: listText(node.values) };
    case "ParamBetween":
      return { name: node.name, operator: "BETWEEN", value: printValue(node.low), valueTo: printValue(node.high) };
  }
}

function argsText(args: readonly Argument[]): string {
  return args.map((a) => `${a.name}: ${a.value.kind === "ValueList" ? `(${listText(a.value)})` : printValue(a.value)}`).join(", ");
}

function listText(list: ValueList): string {
  return list.values.map(printValue).join(", ");
}

// ---------------------------------------------------------------------------------------------
// rows → AST and text

const NOWHERE: Span = { start: 0, end: 0 };

type Compiled<T> = { ok: true; node: T } | { ok: false; problems: Problem[] };

/**
 * Everything that keeps the rows from making a query, in order: no rows at all, empty groups,
 * and rows missing a filter, operator, value or the second value of BETWEEN, MATCHES conditions
 * missing a name, operator or value, or with text that cannot be read (a value that is not one value, a word without quotes, …), or
 * with something the operator does not take (a value on IS NULL). Nothing is skipped silently.
 * Whether the filter exists and takes the operator and value is the checker's business, not this.
 * MATCHES without conditions is complete: the language reads `products_purchased MATCHES ()` as
 * "bought anything at all".
 */
export function rowsProblems(rows: Rows, locale: Locale = "en"): RowProblem[] {
  return problemsOf(rows).map((problem) => inWords(problem, locale));
}

function problemsOf(rows: Rows): Problem[] {
  const problems: Problem[] = [];
  if (rows.combinator !== "AND" && rows.combinator !== "OR") problems.push({ group: null, row: null, text: message("rows.chooseCombinator") });
  if (rows.groups.length === 0) problems.push({ group: null, row: null, text: message("rows.addRow") });
  rows.groups.forEach((group, g) => {
    if (group.combinator !== "AND" && group.combinator !== "OR") problems.push({ group: g, row: null, text: message("rows.chooseGroupCombinator") });
    if (group.rows.length === 0) problems.push({ group: g, row: null, text: message("rows.emptyGroup") });
    group.rows.forEach((row, r) => {
      const compiled = clauseFromRow(row, g, r);
      if (!compiled.ok) problems.push(...compiled.problems);
    });
  });
  return problems;
}

/**
 * The canonical query text of the rows (`print(parse(text)) === text`), with parentheses only
 * where they are needed; or, when rows are incomplete or unreadable, the problems rowsProblems
 * lists. Rows need not be normalised: `{AND, [{AND, [a, b]}]}` gives `a AND b`.
 */
export function queryFromRows(rows: Rows, locale: Locale = "en"): QueryFromRows {
  const problems = rowsProblems(rows, locale);
  if (problems.length > 0) return { ok: false, problems };
  const groups = rows.groups.map((group, g) => {
    const clauses = group.rows.map((row, r) => {
      const compiled = clauseFromRow(row, g, r);
      if (!compiled.ok) throw new Error("rowsProblems let an unreadable row through"); // cannot happen: checked above
      return compiled.node;
    });
    return combine(group.combinator, clauses);
  });
  const text = print({ kind: "Query", expression: combine(rows.combinator, groups), span: NOWHERE });
  // Every row was read back and printed stably, so this holds; it guards the promise that the text is canonical.
  if (canonical(text) !== text) {
    return { ok: false, problems: [inWords({ group: null, row: null, text: message("rows.notAQuery") }, locale)] };
  }
  return { ok: true, text };
}

function combine(combinator: RowsCombinator, operands: Expression[]): Expression {
  // never a one-operand And/Or: the printer would put it in parentheses
  if (operands.length === 1) return operands[0] as Expression;
  return { kind: combinator === "AND" ? "And" : "Or", operands, span: NOWHERE };
}

function canonical(text: string): string | null {
  try {
    return print(parse(text));
  } catch (error) {
    if (error instanceof SegmentQueryError) return null;
    throw error;
  }
}

/** The clause a row stands for, or what is wrong with the row. */
function clauseFromRow(row: Row, group: number, index: number): Compiled<Clause> {
  const problems: Problem[] = [];
  const fail = (text: Message, parameter?: number) => problems.push({ group, row: index, ...(parameter === undefined ? {} : { parameter }), text });

  const operator = row.operator;
  const filter = readFilter(row.filter, row.args);
  if (!filter.ok) fail(filter.problem);
  if (!operator) fail(message("rows.chooseOperator"));
  else if (!isClauseOperator(operator)) fail(message("rows.notAnOperator", { operator }));

  const takesValue = operator !== "IS NULL" && operator !== "IS NOT NULL" && operator !== "MATCHES" && operator !== "NOT MATCHES";
  const takesParameters = operator === "MATCHES" || operator === "NOT MATCHES";
  let value: Value | undefined;
  let valueTo: Value | undefined;
  const parameters: Parameter[] = [];
  if (isClauseOperator(operator)) {
    if (takesValue) {
      const read = readValue(row.value, message(operator === "BETWEEN" ? "rows.what.lowerValue" : "rows.what.value"));
      if (read.ok) value = read.node;
      else fail(read.problem);
    } else if (filled(row.value)) fail(message("rows.takesNoValue", { operator }));
    if (operator === "BETWEEN") {
      const read = readValue(row.valueTo, message("rows.what.upperValue"));
      if (read.ok) valueTo = read.node;
      else fail(read.problem);
    } else if (filled(row.valueTo)) fail(message("rows.takesOneValue", { operator }));
    if (takesParameters) {
      (row.parameters ?? []).forEach((parameter, p) => {
        const read = readParameter(parameter);
        if (read.ok) parameters.push(read.node);
        else read.problems.forEach((problem) => fail(problem, p));
      });
    } else if (row.parameters && row.parameters.length > 0) fail(message("rows.takesNoConditions", { operator }));
  }
  if (problems.length > 0 || !filter.ok) return { ok: false, problems };

  const at = { filter: filter.node, span: NOWHERE };
  switch (operator as ClauseOperator) {
    case "BETWEEN":
      return { ok: true, node: { kind: "Between", ...at, low: value as Value, high: valueTo as Value } };
    case "CONTAINS":
    case "NOT CONTAINS":
      return { ok: true, node: { kind: "Contains", ...at, negated: operator === "NOT CONTAINS", value: value as Value } };
    case "IS NULL":
    case "IS NOT NULL":
      return { ok: true, node: { kind: "NullCheck", ...at, negated: operator === "IS NOT NULL" } };
    case "MATCHES":
    case "NOT MATCHES":
      return { ok: true, node: { kind: "Matches", ...at, negated: operator === "NOT MATCHES", parameters } };
    default:
      return { ok: true, node: { kind: "Comparison", ...at, operator: operator as ComparisonOperator, value: value as Value } };
  }
}

function readParameter(parameter: ParameterRow): { ok: true; node: Parameter } | { ok: false; problems: Message[] } {
  const problems: Message[] = [];
  const name = parameter.name.trim();
  if (!name) problems.push(message("rows.conditionNeedsName"));
  else if (!readable(`x MATCHES (${name} = 1)`, (q) => q.kind === "Matches" && q.parameters.length === 1 && q.parameters[0]?.name === name)) {
    problems.push(message("rows.notAConditionName", { name }));
  }
  const operator = parameter.operator;
  let node: Parameter | undefined;
  if (!operator) problems.push(message("rows.chooseConditionOperator", { name: name || message("subject.thisCondition") }));
  else if (!isParameterOperator(operator)) problems.push(message("rows.notAConditionOperator", { operator }));
  else if (operator === "IN" || operator === "NOT IN") {
    const read = readList(parameter.value);
    if (!read.ok) problems.push(read.problem);
    else node = { kind: "ParamIn", name, negated: operator === "NOT IN", values: read.node, span: NOWHERE };
  } else {
    const low = readValue(parameter.value, message(operator === "BETWEEN" ? "rows.what.lowerValue" : "rows.what.value"));
    if (!low.ok) problems.push(low.problem);
    if (operator === "BETWEEN") {
      const high = readValue(parameter.valueTo, message("rows.what.upperValue"));
      if (!high.ok) problems.push(high.problem);
      else if (low.ok) node = { kind: "ParamBetween", name, low: low.node, high: high.node, span: NOWHERE };
    } else if (low.ok) node = { kind: "ParamComparison", name, operator, value: low.node, span: NOWHERE };
  }
  if (operator !== "BETWEEN" && filled(parameter.valueTo)) problems.push(message("rows.takesOneValue", { operator: operator || message("subject.thisOperator") }));
  return problems.length === 0 && node ? { ok: true, node } : { ok: false, problems };
}

// ---------------------------------------------------------------------------------------------
// reading pieces of query text (with the parser, so rows read exactly as queries do)

type Read<T> = { ok: true; node: T } | { ok: false; problem: Message };

function filled(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== "";
}

/** Parses `source` and tells whether it reads as one clause of the expected shape. */
function readable(source: string, expected: (clause: Clause) => boolean): Clause | null {
  try {
    const query = parse(source);
    const e = query.expression;
    return e.kind !== "And" && e.kind !== "Or" && e.kind !== "Not" && expected(e) ? e : null;
  } catch (error) {
    if (error instanceof SegmentQueryError) return null;
    throw error;
  }
}

function readFilter(name: string, args: string | undefined): Read<FilterRef> {
  const filter = name.trim();
  if (!filter) return { ok: false, problem: message("rows.chooseFilter") };
  const bare = readable(`${filter} IS NULL`, (c) => c.kind === "NullCheck" && !c.negated && c.filter.args === null && c.filter.name === filter);
  if (!bare) {
    if (filter.includes("(")) return { ok: false, problem: message("rows.filterWithParentheses") };
    return { ok: false, problem: message("rows.notAFilterName", { name: filter }) };
  }
  if (!filled(args)) return { ok: true, node: bare.filter };
  const withArgs = readable(`${filter}(${args}) IS NULL`, (c) => c.kind === "NullCheck" && !c.negated && c.filter.name === filter && c.filter.args !== null);
  if (!withArgs) return { ok: false, problem: message("rows.unreadableArguments", { args: args.trim() }) };
  for (const argument of withArgs.filter.args ?? []) {
    const values = argument.value.kind === "ValueList" ? argument.value.values : [argument.value];
    for (const v of values) {
      const problem = unstable(v);
      if (problem) return { ok: false, problem };
    }
  }
  return { ok: true, node: withArgs.filter };
}

/** One value, as the parser reads it after `=`. */
function readValue(text: string | undefined, what: Message): Read<Value> {
  if (!filled(text)) return { ok: false, problem: message("rows.enter", { what }) };
  const source = `x = ${text}`;
  try {
    const query = parse(source);
    const e = query.expression;
    if (e.kind !== "Comparison" || e.filter.args !== null) return { ok: false, problem: message("rows.notOneValue", { text: text.trim() }) };
    const problem = unstable(e.value);
    return problem ? { ok: false, problem } : { ok: true, node: e.value };
  } catch (error) {
    if (!(error instanceof SegmentQueryError)) throw error;
    return { ok: false, problem: unreadable(text, error, 4, message("rows.notOneValue", { text: text.trim() })) };
  }
}

/** A list of values without its parentheses (`1, 2`), as the parser reads it after IN. */
function readList(text: string | undefined): Read<ValueList> {
  if (!filled(text)) return { ok: false, problem: message("rows.enterList") };
  const prefix = "x MATCHES (x IN (";
  try {
    const query = parse(`${prefix}${text}))`);
    const e = query.expression;
    const parameter = e.kind === "Matches" && e.parameters.length === 1 ? e.parameters[0] : undefined;
    if (!parameter || parameter.kind !== "ParamIn") return { ok: false, problem: message("rows.notAList", { text: text.trim() }) };
    for (const v of parameter.values.values) {
      const problem = unstable(v);
      if (problem) return { ok: false, problem };
    }
    return { ok: true, node: parameter.values };
  } catch (error) {
    if (!(error instanceof SegmentQueryError)) throw error;
    return { ok: false, problem: unreadable(text, error, prefix.length, message("rows.notAList", { text: text.trim() })) };
  }
}

/** The parser's own words when it stumbled on the first token; otherwise the general message. */
function unreadable(text: string, error: SegmentQueryError, offset: number, general: Message): Message {
  const first = offset + (text.length - text.trimStart().length);
  if (error.span.start !== first) return general;
  const { message: problem, suggestion } = error.localizable;
  return message("rows.unreadable", { text: text.trim(), problem, suggestion });
}

/**
 * Values the printer writes in a form the lexer cannot read back (print.ts's value() writes
 * 1e+21 and 1e-7 for such numbers, and a line break inside text as it is): refused rather than
 * turned into a query that does not parse.
 */
function unstable(v: Value): Message | null {
  const printed = printValue(v);
  const again = readable(`x = ${printed}`, (c) => c.kind === "Comparison" && printValue(c.value) === printed);
  if (again) return null;
  if (v.kind === "Number") return message("rows.numberOutOfRange");
  if (v.kind === "String") return message("rows.lineBreak");
  return message("rows.notWritable", { value: printed });
}

// ---------------------------------------------------------------------------------------------
// normal form

/**
 * The one shape of rows that mean the same query — what rowsFromQuery gives for the text
 * queryFromRows makes of them:
 * - a group of two or more rows joined by the outer combinator is spread into one group per row;
 * - when a single group is left, its combinator becomes the outer one (one row per group); a
 *   single row is `{AND, [{OR, [row]}]}`;
 * - every group's combinator is the other one than the outer combinator;
 * - each complete, readable row is rewritten canonically: trimmed names, values as the printer
 *   writes them (`100.50` → `100.5`, `TODAY` → `today`, `30_days_ago` → `-30d`), empty fields
 *   dropped and the legacy form `f(id: 1) = true` as `f MATCHES (id = 1)`.
 * Incomplete or unreadable rows and empty groups are kept as they are.
 */
export function normaliseRows(rows: Rows): Rows {
  const outer = rows.combinator;
  const groups: RowGroup[] = [];
  rows.groups.forEach((group, g) => {
    const normal = group.rows.map((row, r) => normaliseRow(row, g, r));
    if (normal.length > 1 && group.combinator === outer) normal.forEach((row) => groups.push({ combinator: other(outer), rows: [row] }));
    else groups.push({ combinator: normal.length > 1 ? group.combinator : other(outer), rows: normal });
  });
  const only = groups.length === 1 ? groups[0] : undefined;
  if (only && only.rows.length > 1) {
    return { combinator: only.combinator, groups: only.rows.map((row) => ({ combinator: other(only.combinator), rows: [row] })) };
  }
  if (only) return { combinator: "AND", groups: [{ combinator: "OR", rows: only.rows }] };
  return { combinator: outer, groups };
}

function normaliseRow(row: Row, group: number, index: number): Row {
  const compiled = clauseFromRow(row, group, index);
  return compiled.ok ? rowFromClause(compiled.node) : row;
}

// ---------------------------------------------------------------------------------------------
// reading rows back from JSON (a form field)

/** Whether a value parsed from JSON has the shape of Rows (fields of the right types; completeness is rowsProblems' business). */
export function isRows(json: unknown): json is Rows {
  if (!isObject(json) || !isCombinator(json.combinator) || !Array.isArray(json.groups)) return false;
  return json.groups.every((group: unknown) => isObject(group) && isCombinator(group.combinator) && Array.isArray(group.rows) && group.rows.every(isRow));
}

function isRow(json: unknown): json is Row {
  if (!isObject(json) || typeof json.filter !== "string" || typeof json.operator !== "string") return false;
  if (json.operator !== "" && !isClauseOperator(json.operator)) return false;
  if (!optionalString(json.args) || !optionalString(json.value) || !optionalString(json.valueTo)) return false;
  return json.parameters === undefined || (Array.isArray(json.parameters) && json.parameters.every(isParameterRow));
}

function isParameterRow(json: unknown): json is ParameterRow {
  if (!isObject(json) || typeof json.name !== "string" || typeof json.operator !== "string" || typeof json.value !== "string") return false;
  if (json.operator !== "" && !isParameterOperator(json.operator)) return false;
  return optionalString(json.valueTo);
}

function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === "object" && json !== null && !Array.isArray(json);
}

function isCombinator(json: unknown): json is RowsCombinator {
  return json === "AND" || json === "OR";
}

function optionalString(json: unknown): boolean {
  return json === undefined || typeof json === "string";
}
