/**
 * The editor's state: the query text (what is counted and saved) and the same segment as rows,
 * kept in step through the engine's rows model. Editing the rows rewrites the text
 * (queryFromRows); editing the text rebuilds the rows (rowsFromQuery). Pure: a reducer and the
 * helpers it needs, so every edit is tested without a browser.
 */
import type { Span } from "~/segments/errors";
import type { ClauseOperator, FilterType } from "~/segments/filters";
import { SegmentQueryError } from "~/segments/errors";
import type { Locale } from "~/segments/messages";
import { parse } from "~/segments/parser";
import {
  queryFromRows,
  rowsFromQuery,
  type ParameterRow,
  type Row,
  type RowGroup,
  type RowOperator,
  type RowProblem,
  type Rows,
  type RowsCombinator,
} from "~/segments/rows";

/** Why the rows tab cannot show the text: it does not read as a query yet, or it says more than rows can. */
export type RowsNote = { kind: "unreadable" } | { kind: "doesNotFit"; reason: string; span: Span };

export interface EditorState {
  /** the segment's query text: what the count and the save use */
  text: string;
  /** the text as rows, arranged as the merchant edits them; null when the rows cannot show the text */
  rows: Rows | null;
  rowsNote: RowsNote | null;
  /** what keeps the rows from making a query (an unfinished row); the text then stays the last query they made */
  rowProblems: RowProblem[];
}

/** The filter a row picks: what the reducer needs to choose a fitting operator. */
export interface PickedFilter {
  name: string;
  type: FilterType;
  operators: readonly ClauseOperator[];
  /** anniversary's argument, e.g. `date: 'metafields.facts.birth_date'` */
  args?: string;
}

type At = { group: number; row: number };

export type EditorAction =
  | { type: "setText"; text: string }
  | { type: "setCombinator"; combinator: RowsCombinator }
  | { type: "setGroupCombinator"; group: number; combinator: RowsCombinator }
  | { type: "addGroup" }
  | ({ type: "addRow" } & Pick<At, "group">)
  | ({ type: "removeRow" } & At)
  | ({ type: "chooseFilter"; filter: PickedFilter } & At)
  | ({ type: "setArgs"; args: string } & At)
  | ({ type: "setOperator"; operator: ClauseOperator } & At)
  | ({ type: "setValue"; value: string } & At)
  | ({ type: "setValueTo"; valueTo: string } & At)
  | ({ type: "addParameter"; name: string } & At)
  | ({ type: "setParameter"; parameter: number; change: Partial<ParameterRow> } & At)
  | ({ type: "removeParameter"; parameter: number } & At);

export const blankRow = (): Row => ({ filter: "", operator: "" });

/** One empty row: where a new segment starts. */
export function blankRows(): Rows {
  return { combinator: "OR", groups: [{ combinator: "AND", rows: [blankRow()] }] };
}

function other(combinator: RowsCombinator): RowsCombinator {
  return combinator === "AND" ? "OR" : "AND";
}

/**
 * Rows as the merchant edits them. The rows model's normal form puts each row of `a AND b` in a
 * group of its own; shown that way, adding a row would start an OR. Rows that all stand alone are
 * gathered into one group joined by their combinator (a single row: AND), which makes the same text.
 */
export function editableRows(rows: Rows): Rows {
  if (rows.groups.length === 0 || rows.groups.some((group) => group.rows.length > 1)) return rows;
  const inner = rows.groups.length === 1 ? "AND" : rows.combinator;
  return { combinator: other(inner), groups: [{ combinator: inner, rows: rows.groups.flatMap((group) => group.rows) }] };
}

/** The state for a query text: its rows when they can show it, or why not (in the admin's language). */
export function stateFromText(text: string, locale: Locale = "en"): EditorState {
  if (text.trim() === "") return { text, rows: blankRows(), rowsNote: null, rowProblems: [] };
  let fitted;
  try {
    fitted = rowsFromQuery(parse(text), locale);
  } catch (error) {
    if (!(error instanceof SegmentQueryError)) throw error;
    return { text, rows: null, rowsNote: { kind: "unreadable" }, rowProblems: [] };
  }
  if (!fitted.fits) return { text, rows: null, rowsNote: { kind: "doesNotFit", reason: fitted.reason, span: fitted.span }, rowProblems: [] };
  return { text, rows: editableRows(fitted.rows), rowsNote: null, rowProblems: [] };
}

const isBlank = (row: Row) => row.filter.trim() === "" && row.operator === "" && !row.value && !row.valueTo && !row.parameters?.length;

/** After an edit of the rows: their text when they make a query, else the last text and what is unfinished. */
function rowsState(state: EditorState, rows: Rows, locale: Locale): EditorState {
  if (rows.groups.every((group) => group.rows.every(isBlank))) return { text: "", rows, rowsNote: null, rowProblems: [] };
  const made = queryFromRows(rows, locale);
  if (made.ok) return { text: made.text, rows, rowsNote: null, rowProblems: [] };
  return { ...state, rows, rowsNote: null, rowProblems: made.problems };
}

function updateRow(rows: Rows, at: At, change: (row: Row) => Row): Rows {
  return {
    ...rows,
    groups: rows.groups.map((group, g) => (g !== at.group ? group : { ...group, rows: group.rows.map((row, r) => (r === at.row ? change(row) : row)) })),
  };
}

const takesNoValue = (operator: RowOperator) => operator === "IS NULL" || operator === "IS NOT NULL" || operator === "MATCHES" || operator === "NOT MATCHES";
const takesParameters = (operator: RowOperator) => operator === "MATCHES" || operator === "NOT MATCHES";

/** A row after choosing an operator: the values and conditions the operator does not take are dropped. */
export function withOperator(row: Row, operator: ClauseOperator): Row {
  const { value, valueTo, parameters, ...rest } = row;
  return {
    ...rest,
    operator,
    ...(takesNoValue(operator) ? {} : { value: value ?? "" }),
    ...(operator === "BETWEEN" ? { valueTo: valueTo ?? "" } : {}),
    ...(takesParameters(operator) ? { parameters: parameters ?? [] } : {}),
  };
}

/**
 * A row after choosing a filter: the same filter changes nothing; a number, money, date or boolean
 * filter after one of the same type keeps the operator and value (amount spent > 100 → average
 * order value > 100); anything else starts over with the filter's first operator (a function
 * filter: MATCHES with no conditions, "any at all"), since text and list values belong to their filter.
 */
export function withFilter(row: Row, previousType: FilterType | undefined, filter: PickedFilter): Row {
  if (row.filter === filter.name && (row.args ?? "") === (filter.args ?? "")) return row;
  const base: Row = { filter: filter.name, ...(filter.args ? { args: filter.args } : {}), operator: "" };
  const transferable = filter.type === "number" || filter.type === "money" || filter.type === "date" || filter.type === "boolean";
  if (transferable && previousType === filter.type && row.operator && filter.operators.includes(row.operator)) {
    return withOperator({ ...base, ...(row.value !== undefined ? { value: row.value } : {}), ...(row.valueTo !== undefined ? { valueTo: row.valueTo } : {}) }, row.operator);
  }
  const first = filter.operators[0];
  return first ? withOperator(base, first) : base;
}

/** The state after an action; what is wrong with the rows is said in `locale`, the admin's language. */
export function editorReducer(state: EditorState, action: EditorAction, typeOf: (filter: string) => FilterType | undefined = () => undefined, locale: Locale = "en"): EditorState {
  if (action.type === "setText") return stateFromText(action.text, locale);
  const rows = state.rows;
  if (!rows) return state; // the rows tab shows a note instead of rows; nothing to edit
  const withRows = (next: Rows) => rowsState(state, next, locale);
  switch (action.type) {
    case "setCombinator":
      return withRows({ ...rows, combinator: action.combinator });
    case "setGroupCombinator":
      return withRows({ ...rows, groups: rows.groups.map((group, g) => (g === action.group ? { ...group, combinator: action.combinator } : group)) });
    case "addGroup": {
      const single = rows.groups.length === 1 ? rows.groups[0] : undefined;
      // a second group: the groups join by the other word than the first group's rows do
      const combinator = single ? other(single.combinator) : rows.combinator;
      const group: RowGroup = { combinator: other(combinator), rows: [blankRow()] };
      return withRows({ combinator, groups: [...rows.groups, group] });
    }
    case "addRow":
      return withRows({ ...rows, groups: rows.groups.map((group, g) => (g === action.group ? { ...group, rows: [...group.rows, blankRow()] } : group)) });
    case "removeRow": {
      const groups = rows.groups
        .map((group, g) => (g === action.group ? { ...group, rows: group.rows.filter((_, r) => r !== action.row) } : group))
        .filter((group) => group.rows.length > 0);
      return withRows(groups.length > 0 ? { ...rows, groups } : blankRows());
    }
    case "chooseFilter":
      return withRows(updateRow(rows, action, (row) => withFilter(row, typeOf(row.filter), action.filter)));
    case "setArgs":
      return withRows(updateRow(rows, action, (row) => ({ ...row, args: action.args })));
    case "setOperator":
      return withRows(updateRow(rows, action, (row) => withOperator(row, action.operator)));
    case "setValue":
      return withRows(updateRow(rows, action, (row) => ({ ...row, value: action.value })));
    case "setValueTo":
      return withRows(updateRow(rows, action, (row) => ({ ...row, valueTo: action.valueTo })));
    case "addParameter":
      return withRows(updateRow(rows, action, (row) => ({ ...row, parameters: [...(row.parameters ?? []), { name: action.name, operator: "", value: "" }] })));
    case "setParameter":
      return withRows(
        updateRow(rows, action, (row) => ({
          ...row,
          parameters: (row.parameters ?? []).map((parameter, p) => (p === action.parameter ? withParameterChange(parameter, action.change) : parameter)),
        })),
      );
    case "removeParameter":
      return withRows(updateRow(rows, action, (row) => ({ ...row, parameters: (row.parameters ?? []).filter((_, p) => p !== action.parameter) })));
  }
}

/** A MATCHES condition after an edit: a new name starts its operator and value over; only BETWEEN keeps a second value. */
function withParameterChange(parameter: ParameterRow, change: Partial<ParameterRow>): ParameterRow {
  if (change.name !== undefined && change.name !== parameter.name) return { name: change.name, operator: "", value: "" };
  const next = { ...parameter, ...change };
  if (next.operator !== "BETWEEN") {
    const { valueTo: _, ...rest } = next;
    return rest;
  }
  return { ...next, valueTo: next.valueTo ?? "" };
}

/** Rows in reading order with their place: what span-to-row mapping and the tests walk. */
export function rowPlaces(rows: Rows): { group: number; row: number; filter: string }[] {
  return rows.groups.flatMap((group, g) => group.rows.map((row, r) => ({ group: g, row: r, filter: row.filter.trim() })));
}
