import { describe, expect, it } from "vitest";
import { FILTERS, operatorsOf } from "~/segments/filters";
import { parse } from "~/segments/parser";
import { print } from "~/segments/print";
import type { Rows } from "~/segments/rows";
import { blankRows, editableRows, editorReducer, stateFromText, withFilter, withOperator, type EditorAction, type EditorState, type PickedFilter } from "./editor-state";

const picked = (name: string): PickedFilter => {
  const definition = FILTERS.get(name);
  if (!definition) throw new Error(`no filter ${name}`);
  return { name, type: definition.type, operators: operatorsOf(definition) };
};
const typeOf = (name: string) => FILTERS.get(name)?.type;
const run = (state: EditorState, ...actions: EditorAction[]) => actions.reduce((current, action) => editorReducer(current, action, typeOf), state);
const at = (group: number, row: number) => ({ group, row });

describe("text to rows", () => {
  it("starts a new segment with one empty row and no text", () => {
    expect(stateFromText("")).toEqual({ text: "", rows: blankRows(), rowsNote: null, rowProblems: [] });
    expect(stateFromText("  \n")).toMatchObject({ rows: blankRows(), rowsNote: null });
  });

  it("shows rows joined by AND in one group, so that another row joins by AND too", () => {
    const state = stateFromText("amount_spent > 100 AND customer_tags CONTAINS 'vip'");
    expect(state.rows).toEqual({
      combinator: "OR",
      groups: [
        {
          combinator: "AND",
          rows: [
            { filter: "amount_spent", operator: ">", value: "100" },
            { filter: "customer_tags", operator: "CONTAINS", value: "'vip'" },
          ],
        },
      ],
    });
    const added = run(state, { type: "addRow", group: 0 }, { type: "chooseFilter", ...at(0, 2), filter: picked("number_of_orders") }, { type: "setOperator", ...at(0, 2), operator: ">=" }, { type: "setValue", ...at(0, 2), value: "2" });
    expect(added.text).toBe("amount_spent > 100 AND customer_tags CONTAINS 'vip' AND number_of_orders >= 2");
  });

  it("keeps groups as the query has them: an OR of ANDs and an AND of ORs", () => {
    const ors = stateFromText("(rfm_group = 'LOYAL' OR rfm_group = 'CHAMPIONS') AND amount_spent > 500");
    expect(ors.rows?.combinator).toBe("AND");
    expect(ors.rows?.groups.map((group) => [group.combinator, group.rows.map((row) => row.filter)])).toEqual([
      ["OR", ["rfm_group", "rfm_group"]],
      ["OR", ["amount_spent"]],
    ]);
    const ands = stateFromText("amount_spent > 500 AND number_of_orders > 2 OR customer_tags CONTAINS 'vip'");
    expect(ands.rows?.combinator).toBe("OR");
    expect(ands.rows?.groups.map((group) => group.rows.length)).toEqual([2, 1]);
    // the single-row OR stays one group
    expect(stateFromText("rfm_group = 'LOYAL' OR rfm_group = 'CHAMPIONS'").rows).toMatchObject({ groups: [{ combinator: "OR", rows: [{}, {}] }] });
  });

  it("says why a query cannot be rows, with the span, and keeps its text", () => {
    const text = "amount_spent > 100 AND NOT customer_tags CONTAINS 'vip'";
    const state = stateFromText(text);
    expect(state.text).toBe(text);
    expect(state.rows).toBeNull();
    expect(state.rowsNote).toEqual({ kind: "doesNotFit", reason: "NOT in front of a clause cannot be shown as rows", span: { start: 23, end: text.length } });
    // editing the (absent) rows changes nothing
    expect(editorReducer(state, { type: "addGroup" })).toBe(state);
  });

  it("marks a text that does not read as a query", () => {
    expect(stateFromText("amount_spent >")).toEqual({ text: "amount_spent >", rows: null, rowsNote: { kind: "unreadable" }, rowProblems: [] });
  });

  it("gathers stand-alone rows into one group and leaves real groups alone", () => {
    const normal: Rows = { combinator: "AND", groups: [{ combinator: "OR", rows: [{ filter: "a", operator: "IS NULL" }] }, { combinator: "OR", rows: [{ filter: "b", operator: "IS NULL" }] }] };
    expect(editableRows(normal)).toEqual({ combinator: "OR", groups: [{ combinator: "AND", rows: [{ filter: "a", operator: "IS NULL" }, { filter: "b", operator: "IS NULL" }] }] });
    const grouped: Rows = { combinator: "AND", groups: [{ combinator: "OR", rows: [{ filter: "a", operator: "IS NULL" }, { filter: "b", operator: "IS NULL" }] }] };
    expect(editableRows(grouped)).toBe(grouped);
  });
});

describe("rows to text", () => {
  it("builds a segment row by row; the text follows each complete edit and stays canonical", () => {
    let state = stateFromText("");
    state = run(state, { type: "chooseFilter", ...at(0, 0), filter: picked("amount_spent") });
    // first operator of money, no value yet: unfinished, text still empty
    expect(state.rows?.groups[0]?.rows[0]).toEqual({ filter: "amount_spent", operator: "=", value: "" });
    expect(state.text).toBe("");
    expect(state.rowProblems).toEqual([{ group: 0, row: 0, message: "enter a value" }]);
    state = run(state, { type: "setOperator", ...at(0, 0), operator: ">=" }, { type: "setValue", ...at(0, 0), value: "100.50" });
    expect(state.text).toBe("amount_spent >= 100.5");
    expect(state.rowProblems).toEqual([]);
    expect(print(parse(state.text))).toBe(state.text);

    state = run(state, { type: "addGroup" });
    expect(state.text).toBe("amount_spent >= 100.5");
    expect(state.rowProblems).toEqual([{ group: 1, row: 0, message: "choose a filter" }, { group: 1, row: 0, message: "choose an operator" }]);
    state = run(state, { type: "chooseFilter", ...at(1, 0), filter: picked("customer_tags") }, { type: "setValue", ...at(1, 0), value: "'vip'" });
    expect(state.text).toBe("amount_spent >= 100.5 OR customer_tags CONTAINS 'vip'");
    state = run(state, { type: "setCombinator", combinator: "AND" });
    expect(state.text).toBe("amount_spent >= 100.5 AND customer_tags CONTAINS 'vip'");
    // the groups' own AND stays as it was: each group's rows join by their own word
    state = run(state, { type: "addRow", group: 1 }, { type: "chooseFilter", ...at(1, 1), filter: picked("customer_tags") }, { type: "setValue", ...at(1, 1), value: "'gold'" });
    expect(state.text).toBe("amount_spent >= 100.5 AND customer_tags CONTAINS 'vip' AND customer_tags CONTAINS 'gold'");
    state = run(state, { type: "setGroupCombinator", group: 1, combinator: "OR" });
    expect(state.text).toBe("amount_spent >= 100.5 AND (customer_tags CONTAINS 'vip' OR customer_tags CONTAINS 'gold')");

    // the text, read back, gives rows that write the same text
    expect(stateFromText(state.text).text).toBe(state.text);
    expect(run(stateFromText(state.text), { type: "setValue", ...at(0, 0), value: "100.5" }).text).toBe(state.text);
  });

  it("removes rows and groups; removing the last row leaves one empty row and no text", () => {
    let state = stateFromText("(rfm_group = 'LOYAL' OR rfm_group = 'CHAMPIONS') AND amount_spent > 500");
    state = run(state, { type: "removeRow", ...at(0, 1) });
    expect(state.text).toBe("rfm_group = 'LOYAL' AND amount_spent > 500");
    state = run(state, { type: "removeRow", ...at(1, 0) });
    expect(state.rows?.groups).toHaveLength(1);
    expect(state.text).toBe("rfm_group = 'LOYAL'");
    state = run(state, { type: "removeRow", ...at(0, 0) });
    expect(state).toEqual({ text: "", rows: blankRows(), rowsNote: null, rowProblems: [] });
  });

  it("drops the value when the operator takes none, and the second value unless BETWEEN", () => {
    let state = stateFromText("last_order_date BETWEEN -90d AND -30d");
    state = run(state, { type: "setOperator", ...at(0, 0), operator: ">" });
    expect(state.rows?.groups[0]?.rows[0]).toEqual({ filter: "last_order_date", operator: ">", value: "-90d" });
    expect(state.text).toBe("last_order_date > -90d");
    state = run(state, { type: "setOperator", ...at(0, 0), operator: "IS NULL" });
    expect(state.text).toBe("last_order_date IS NULL");
    state = run(state, { type: "setOperator", ...at(0, 0), operator: "BETWEEN" });
    expect(state.rowProblems.map((problem) => problem.message)).toEqual(["enter a lower value", "enter an upper value"]);
    state = run(state, { type: "setValue", ...at(0, 0), value: "2025-01-01" }, { type: "setValueTo", ...at(0, 0), valueTo: "today" });
    expect(state.text).toBe("last_order_date BETWEEN 2025-01-01 AND today");
  });

  it("keeps the operator and value for a filter of the same kind of number or date, and starts over otherwise", () => {
    const row = { filter: "amount_spent", operator: ">" as const, value: "100" };
    expect(withFilter(row, "money", picked("average_order_value"))).toEqual({ filter: "average_order_value", operator: ">", value: "100" });
    expect(withFilter(row, "money", picked("number_of_orders"))).toEqual({ filter: "number_of_orders", operator: "=", value: "" });
    expect(withFilter({ filter: "customer_tags", operator: "CONTAINS", value: "'vip'" }, "list", picked("customer_cities"))).toEqual({ filter: "customer_cities", operator: "CONTAINS", value: "" });
    expect(withFilter(row, "money", picked("customer_account_status"))).toEqual({ filter: "customer_account_status", operator: "=", value: "" });
    expect(withFilter(row, "money", picked("products_purchased"))).toEqual({ filter: "products_purchased", operator: "MATCHES", parameters: [] });
    expect(withFilter(row, "money", picked("amount_spent"))).toBe(row);
    // anniversary carries its metafield as the row's arguments
    const anniversary = { ...picked("anniversary"), args: "date: 'metafields.facts.birth_date'" };
    expect(withFilter(row, "money", anniversary)).toEqual({ filter: "anniversary", args: "date: 'metafields.facts.birth_date'", operator: "=", value: "" });
    expect(withOperator({ filter: "x", operator: "=", value: "1", valueTo: "2", parameters: [] }, "NOT MATCHES")).toEqual({ filter: "x", operator: "NOT MATCHES", parameters: [] });
  });

  it("edits MATCHES conditions: none is 'bought anything', then id, date and quantity", () => {
    let state = run(stateFromText(""), { type: "chooseFilter", ...at(0, 0), filter: picked("products_purchased") });
    expect(state.text).toBe("products_purchased MATCHES ()");
    state = run(state, { type: "addParameter", ...at(0, 0), name: "id" });
    expect(state.rowProblems.map((problem) => [problem.parameter, problem.message])).toEqual([[0, "choose an operator for id"]]);
    expect(state.text).toBe("products_purchased MATCHES ()");
    state = run(state, { type: "setParameter", ...at(0, 0), parameter: 0, change: { operator: "IN" } }, { type: "setParameter", ...at(0, 0), parameter: 0, change: { value: "1, 2" } });
    expect(state.text).toBe("products_purchased MATCHES (id IN (1, 2))");
    state = run(
      state,
      { type: "addParameter", ...at(0, 0), name: "date" },
      { type: "setParameter", ...at(0, 0), parameter: 1, change: { operator: "BETWEEN", value: "-90d" } },
      { type: "setParameter", ...at(0, 0), parameter: 1, change: { valueTo: "today" } },
    );
    expect(state.text).toBe("products_purchased MATCHES (id IN (1, 2), date BETWEEN -90d AND today)");
    // a new operator other than BETWEEN drops the second value; a new name starts the condition over
    state = run(state, { type: "setParameter", ...at(0, 0), parameter: 1, change: { operator: ">" } });
    expect(state.text).toBe("products_purchased MATCHES (id IN (1, 2), date > -90d)");
    state = run(state, { type: "setParameter", ...at(0, 0), parameter: 1, change: { name: "sum_quantity" } });
    expect(state.rows?.groups[0]?.rows[0]?.parameters?.[1]).toEqual({ name: "sum_quantity", operator: "", value: "" });
    state = run(state, { type: "removeParameter", ...at(0, 0), parameter: 1 }, { type: "setOperator", ...at(0, 0), operator: "NOT MATCHES" });
    expect(state.text).toBe("products_purchased NOT MATCHES (id IN (1, 2))");
  });

  it("keeps the last text while a row is unfinished, and the text from the query tab replaces the rows", () => {
    let state = stateFromText("amount_spent > 100");
    state = run(state, { type: "setValue", ...at(0, 0), value: "" });
    expect(state.text).toBe("amount_spent > 100");
    expect(state.rowProblems).toEqual([{ group: 0, row: 0, message: "enter a value" }]);
    state = run(state, { type: "setValue", ...at(0, 0), value: "abc" });
    expect(state.rowProblems[0]?.message).toMatch(/^abc /);
    state = run(state, { type: "setText", text: "number_of_orders >= 3" });
    expect(state).toEqual({ text: "number_of_orders >= 3", rows: { combinator: "OR", groups: [{ combinator: "AND", rows: [{ filter: "number_of_orders", operator: ">=", value: "3" }] }] }, rowsNote: null, rowProblems: [] });
  });

  it("sets anniversary's metafield as the row's arguments", () => {
    const state = run(stateFromText("anniversary(date: 'metafields.facts.birth_date') = today"), { type: "setArgs", ...at(0, 0), args: "date: 'metafields.facts.wedding_date'" });
    expect(state.text).toBe("anniversary(date: 'metafields.facts.wedding_date') = today");
  });
});

describe("in the admin's language", () => {
  it("says why a query cannot be rows in Dutch, at the same span", () => {
    const text = "amount_spent > 100 AND NOT customer_tags CONTAINS 'vip'";
    expect(stateFromText(text, "nl").rowsNote).toEqual({ kind: "doesNotFit", reason: "NOT vóór een voorwaarde kan niet op het tabblad Voorwaarden worden getoond", span: { start: 23, end: text.length } });
    expect(stateFromText(text, "en")).toEqual(stateFromText(text));
  });

  it("says what is unfinished in Dutch, after every kind of edit", () => {
    const dutch = (state: EditorState, ...actions: EditorAction[]) => actions.reduce((current, action) => editorReducer(current, action, typeOf, "nl"), state);
    let state = dutch(stateFromText("", "nl"), { type: "chooseFilter", ...at(0, 0), filter: picked("amount_spent") });
    expect(state.rowProblems).toEqual([{ group: 0, row: 0, message: "vul een waarde in" }]);
    state = dutch(state, { type: "setValue", ...at(0, 0), value: "abc" });
    expect(state.rowProblems).toEqual([{ group: 0, row: 0, message: "abc is onleesbaar: hier hoort een waarde, maar er staat het woord abc; zet tekstwaarden tussen enkele aanhalingstekens: 'abc'" }]);
    state = dutch(state, { type: "setValue", ...at(0, 0), value: "100" }, { type: "addGroup" });
    expect(state.text).toBe("amount_spent = 100");
    expect(state.rowProblems).toEqual([{ group: 1, row: 0, message: "kies een filter" }, { group: 1, row: 0, message: "kies een operator" }]);
    state = dutch(state, { type: "chooseFilter", ...at(1, 0), filter: picked("products_purchased") }, { type: "addParameter", ...at(1, 0), name: "id" });
    expect(state.rowProblems).toEqual([{ group: 1, row: 0, parameter: 0, message: "kies een operator voor id" }]);
    // a text typed in Dutch that does not fit: the reason in Dutch too
    expect(dutch(state, { type: "setText", text: "NOT amount_spent > 1" }).rowsNote).toMatchObject({ reason: "NOT vóór een voorwaarde kan niet op het tabblad Voorwaarden worden getoond" });
  });
});
