import { Autocomplete, BlockStack, Box, Button, ButtonGroup, Divider, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useState, type Dispatch } from "react";
import type { FunctionParameter } from "~/segments/filters";
import type { ParameterRow, Row, RowProblem, Rows, RowsCombinator } from "~/segments/rows";
import type { EditorFilter, QueryProblem } from "~/services/segment-editor.types";
import { useI18n } from "~/components/I18nProvider";
import type { EditorAction } from "./editor-state";
import { filterLabel, GROUP_ORDER, groupLabel, operatorLabel, parameterLabel, parameterOperators } from "./labels";
import { ProblemList } from "./ProblemList";
import type { ProblemPlace } from "./problems";
import { SuggestedTextInput, ValueInput } from "./ValueInput";

export interface RowsEditorProps {
  rows: Rows;
  filters: readonly EditorFilter[];
  dispatch: Dispatch<EditorAction>;
  /** the query text the problems point into */
  text: string;
  /** query problems with the row each falls in (null: above the rows) */
  problems: readonly { problem: QueryProblem; place: ProblemPlace | null }[];
  /** what keeps unfinished rows from making a query */
  rowProblems: readonly RowProblem[];
  /** after a refused save the unfinished rows are errors, before it a quiet hint */
  insist: boolean;
  onApply: (problem: QueryProblem) => void;
  currencyCode: string;
}

/** Groups of rows of filter / operator / value, the AND or OR joining the rows of a group and the one joining the groups. */
export function RowsEditor(props: RowsEditorProps) {
  const { t } = useI18n();
  const { rows, dispatch, problems, rowProblems } = props;
  const loose = problems.filter((entry) => entry.place === null).map((entry) => entry.problem);
  const segmentProblems = rowProblems.filter((problem) => problem.group === null);
  return (
    <BlockStack gap="300">
      <ProblemList text={props.text} problems={loose} onApply={props.onApply} />
      {segmentProblems.map((problem) => (
        <RowMessage key={problem.message} message={problem.message} insist={props.insist} />
      ))}
      {rows.groups.map((group, g) => (
        <BlockStack key={g} gap="300">
          {g > 0 ? <Joiner combinator={rows.combinator} onChange={(combinator) => dispatch({ type: "setCombinator", combinator })} label={t("editor.rows.groupsJoin")} /> : null}
          <Box borderWidth="025" borderColor="border" borderRadius="200" padding="300">
            <BlockStack gap="300">
              {rowProblems
                .filter((problem) => problem.group === g && problem.row === null)
                .map((problem) => (
                  <RowMessage key={problem.message} message={problem.message} insist={props.insist} />
                ))}
              {group.rows.map((row, r) => (
                <BlockStack key={r} gap="200">
                  {r > 0 ? (
                    <Joiner combinator={group.combinator} onChange={(combinator) => dispatch({ type: "setGroupCombinator", group: g, combinator })} label={t("editor.rows.rowsJoin")} />
                  ) : null}
                  <FilterRow
                    {...props}
                    row={row}
                    group={g}
                    index={r}
                    problems={problems.filter((entry) => entry.place?.group === g && entry.place.row === r)}
                    rowProblems={rowProblems.filter((problem) => problem.group === g && problem.row === r)}
                  />
                </BlockStack>
              ))}
              <InlineStack>
                <Button variant="plain" onClick={() => dispatch({ type: "addRow", group: g })}>
                  {t("editor.rows.addRow")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Box>
        </BlockStack>
      ))}
      <InlineStack>
        <Button onClick={() => dispatch({ type: "addGroup" })}>{t("editor.rows.addGroup")}</Button>
      </InlineStack>
    </BlockStack>
  );
}

function Joiner({ combinator, onChange, label }: { combinator: RowsCombinator; onChange: (combinator: RowsCombinator) => void; label: string }) {
  const { t } = useI18n();
  return (
    <InlineStack gap="200" blockAlign="center">
      <ButtonGroup variant="segmented">
        {(["AND", "OR"] as const).map((word) => (
          <Button key={word} size="slim" pressed={combinator === word} onClick={() => onChange(word)} accessibilityLabel={`${label}: ${t(word === "AND" ? "editor.rows.and" : "editor.rows.or")}`}>
            {t(word === "AND" ? "editor.rows.and" : "editor.rows.or")}
          </Button>
        ))}
      </ButtonGroup>
      <div style={{ flex: 1 }}>
        <Divider />
      </div>
    </InlineStack>
  );
}

function RowMessage({ message, insist }: { message: string; insist: boolean }) {
  return (
    <Text as="p" tone={insist ? "critical" : "subdued"}>
      {message}
    </Text>
  );
}

type FilterRowProps = RowsEditorProps & { row: Row; group: number; index: number };

/** One row: the filter picker, the operator its type allows, the value input that fits, MATCHES conditions, and what is wrong with it. */
function FilterRow(props: FilterRowProps) {
  const { t, locale } = useI18n();
  const { row, group, index, filters, dispatch } = props;
  const at = { group, row: index };
  const filter = filters.find((candidate) => candidate.name === row.filter);
  const name = filter ? filterLabel(filter, locale) : row.filter;
  const operators = filter?.operators ?? (row.operator ? [row.operator] : []);
  const valueLabel = (which: "value" | "valueTo") => t(which === "value" ? "editor.rows.value" : "editor.rows.valueTo", { filter: name });
  const failing = props.problems.length > 0 || (props.insist && props.rowProblems.length > 0);
  const valueInput = (which: "value" | "valueTo") =>
    filter ? (
      <ValueInput
        label={valueLabel(which)}
        type={filter.type === "list" ? "list" : filter.type}
        integer={filter.integer}
        filter={filter.name}
        suggestFrom={filter.suggests ? filter.name : null}
        values={filter.values}
        value={row[which]}
        onChange={(value) => dispatch(which === "value" ? { type: "setValue", ...at, value } : { type: "setValueTo", ...at, valueTo: value })}
        currencyCode={props.currencyCode}
        error={failing}
      />
    ) : (
      <ValueInput
        label={valueLabel(which)}
        type="number"
        filter={row.filter}
        value={row[which]}
        onChange={(value) => dispatch(which === "value" ? { type: "setValue", ...at, value } : { type: "setValueTo", ...at, valueTo: value })}
        currencyCode={props.currencyCode}
        error={failing}
      />
    );
  const takesValue = row.operator !== "" && row.operator !== "IS NULL" && row.operator !== "IS NOT NULL" && row.operator !== "MATCHES" && row.operator !== "NOT MATCHES";
  return (
    <div className="segment-row" data-group={group} data-row={index} data-filter={row.filter}>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="start" wrap>
          <div style={{ minWidth: "14rem", flex: "1 1 14rem" }}>
            <FilterPicker filters={filters} selected={row.filter} onChoose={(chosen) => dispatch({ type: "chooseFilter", ...at, filter: { name: chosen.name, type: chosen.type, operators: chosen.operators, ...anniversaryArgs(chosen, filters, row) } })} />
          </div>
          <div style={{ minWidth: "10rem" }}>
            <Select
              label={t("editor.rows.operator", { filter: name })}
              labelHidden
              disabled={!row.filter}
              options={[
                ...(row.operator === "" ? [{ label: t("editor.rows.chooseOperator"), value: "", disabled: true }] : []),
                ...operators.map((operator) => ({ label: operatorLabel(t, filter?.type ?? "number", operator), value: operator })),
              ]}
              value={row.operator}
              onChange={(operator) => {
                const chosen = operators.find((candidate) => candidate === operator);
                if (chosen) dispatch({ type: "setOperator", ...at, operator: chosen });
              }}
            />
          </div>
          {takesValue ? <div style={{ minWidth: "12rem", flex: "1 1 12rem" }}>{valueInput("value")}</div> : null}
          {row.operator === "BETWEEN" ? (
            <>
              <div style={{ paddingTop: "var(--p-space-150)" }}>
                <Text as="span">{t("editor.rows.and")}</Text>
              </div>
              <div style={{ minWidth: "12rem", flex: "1 1 12rem" }}>{valueInput("valueTo")}</div>
            </>
          ) : null}
          <Button variant="tertiary" tone="critical" onClick={() => dispatch({ type: "removeRow", ...at })} accessibilityLabel={t("editor.rows.remove", { filter: name || t("editor.rows.emptyRow") })}>
            {t("editor.rows.removeShort")}
          </Button>
        </InlineStack>
        {filter?.name === "anniversary" ? <AnniversaryDate filters={filters} row={row} onChange={(args) => dispatch({ type: "setArgs", ...at, args })} /> : null}
        {(row.operator === "MATCHES" || row.operator === "NOT MATCHES") && filter ? <Conditions {...props} filter={filter} /> : null}
        {props.rowProblems
          .filter((problem) => problem.parameter === undefined)
          .map((problem) => (
            <RowMessage key={problem.message} message={problem.message} insist={props.insist} />
          ))}
        <ProblemList text={props.text} problems={props.problems.filter((entry) => entry.place?.parameter === undefined).map((entry) => entry.problem)} onApply={props.onApply} showSource={false} />
      </BlockStack>
    </div>
  );
}

/** anniversary reads a date metafield: the first one the shop has, unless the row names one already. */
function anniversaryArgs(chosen: EditorFilter, filters: readonly EditorFilter[], row: Row): { args?: string } {
  if (chosen.name !== "anniversary") return {};
  if (row.filter === "anniversary" && row.args) return { args: row.args };
  const first = dateMetafields(filters)[0];
  return first ? { args: `date: '${first.name}'` } : {};
}

const dateMetafields = (filters: readonly EditorFilter[]) => filters.filter((filter) => filter.group === "metafields" && filter.type === "date" && filter.name.startsWith("metafields."));

function AnniversaryDate({ filters, row, onChange }: { filters: readonly EditorFilter[]; row: Row; onChange: (args: string) => void }) {
  const { t } = useI18n();
  const current = /date:\s*'([^']*)'/.exec(row.args ?? "")?.[1] ?? "";
  const options = dateMetafields(filters).map((filter) => ({ label: filter.label, value: filter.name }));
  return (
    <div style={{ maxWidth: "24rem" }}>
      <Select
        label={t("editor.rows.anniversaryOf")}
        options={[{ label: t("editor.rows.chooseMetafield"), value: "", disabled: true }, ...options]}
        value={current}
        onChange={(name) => onChange(`date: '${name}'`)}
        helpText={options.length === 0 ? t("editor.rows.noDateMetafields") : undefined}
      />
    </div>
  );
}

/** The searchable filter picker, grouped as customer, orders, products, predictions and metafields. */
export function FilterPicker({ filters, selected, onChoose }: { filters: readonly EditorFilter[]; selected: string; onChoose: (filter: EditorFilter) => void }) {
  const { t, locale } = useI18n();
  const current = filters.find((filter) => filter.name === selected);
  const shown = current ? filterLabel(current, locale) : selected;
  const [input, setInput] = useState(shown);
  const [searching, setSearching] = useState(false);
  useEffect(() => setInput(shown), [shown]);
  const sections = useMemo(() => {
    const needle = searching ? input.trim().toLowerCase() : "";
    return GROUP_ORDER.map((group) => ({
      title: groupLabel(t, group),
      options: filters
        .filter((filter) => filter.group === group)
        .map((filter) => ({ value: filter.name, label: filterLabel(filter, locale) }))
        .filter((option) => !needle || option.label.toLowerCase().includes(needle) || option.value.toLowerCase().includes(needle)),
    })).filter((section) => section.options.length > 0);
  }, [filters, input, searching, locale, t]);
  return (
    <Autocomplete
      options={sections}
      selected={selected ? [selected] : []}
      onSelect={([name]) => {
        const chosen = filters.find((filter) => filter.name === name);
        if (!chosen) return;
        setSearching(false);
        setInput(filterLabel(chosen, locale));
        onChoose(chosen);
      }}
      emptyState={t("editor.rows.noFilters")}
      textField={
        <Autocomplete.TextField
          label={t("editor.rows.filter")}
          labelHidden
          autoComplete="off"
          placeholder={t("editor.rows.searchFilters")}
          value={input}
          onChange={(value) => {
            setSearching(true);
            setInput(value);
          }}
          onBlur={() => {
            setSearching(false);
            setInput(shown);
          }}
        />
      }
    />
  );
}

/** MATCHES conditions: each a name, an operator and a value; none means "any at all". */
function Conditions(props: FilterRowProps & { filter: EditorFilter }) {
  const { t } = useI18n();
  const { row, group, index, filter, dispatch } = props;
  const at = { group, row: index };
  const conditions = row.parameters ?? [];
  const known = filter.parameters ?? [];
  const unused = known.filter((parameter) => !conditions.some((condition) => condition.name === parameter.name));
  return (
    <Box paddingInlineStart="600">
      <BlockStack gap="200">
        {conditions.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("editor.conditions.none")}
          </Text>
        ) : null}
        {conditions.map((condition, p) => (
          <Condition key={p} {...props} condition={condition} position={p} parameter={known.find((candidate) => candidate.name === condition.name)} />
        ))}
        {unused[0] ? (
          <InlineStack>
            <Button variant="plain" onClick={() => dispatch({ type: "addParameter", ...at, name: unused[0]?.name ?? "" })}>
              {t("editor.conditions.add")}
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Box>
  );
}

/** Where a MATCHES condition's values come from: products by title for products_purchased's id, the filter's own suggestions for tags and SKUs. */
export function conditionSuggestions(filter: EditorFilter, parameter: FunctionParameter | undefined): { source: string; quoted: boolean } | null {
  if (!filter.suggests || !parameter) return null;
  if (filter.name === "products_purchased" && parameter.name === "id") return { source: filter.name, quoted: false };
  if (filter.name === "products_purchased" && (parameter.name === "sku" || parameter.name === "tag" || parameter.name === "product_type")) return { source: `${filter.name}.${parameter.name}`, quoted: true };
  return null;
}

function Condition(props: FilterRowProps & { filter: EditorFilter; condition: ParameterRow; position: number; parameter: FunctionParameter | undefined }) {
  const { t, locale } = useI18n();
  const { filter, condition, position, parameter, dispatch, group, index } = props;
  const at = { group, row: index, parameter: position };
  const operators = parameter ? parameterOperators(parameter) : condition.operator ? [condition.operator] : [];
  const filterName = filterLabel(filter, locale);
  const conditionName = parameterLabel(t, condition.name);
  const problems = props.problems.filter((entry) => entry.place?.parameter === position).map((entry) => entry.problem);
  const messages = props.rowProblems.filter((problem) => problem.parameter === position);
  const failing = problems.length > 0 || (props.insist && messages.length > 0);
  const change = (change: Partial<ParameterRow>) => dispatch({ type: "setParameter", ...at, change });
  const suggestions = conditionSuggestions(filter, parameter);
  const input = (which: "value" | "valueTo") => {
    const label = t("editor.conditions.value", { condition: conditionName, filter: filterName });
    const value = condition[which];
    const onChange = (next: string) => change(which === "value" ? { value: next } : { valueTo: next });
    if (condition.operator === "IN" || condition.operator === "NOT IN") {
      // a list is typed as the language writes it (1, 2, 3): no quotes added, no number clean-up
      return <TextField label={label} labelHidden autoComplete="off" value={value ?? ""} onChange={onChange} placeholder="1, 2, 3" helpText={t("editor.conditions.listHelp")} error={failing} />;
    }
    if (suggestions && (condition.operator === "=" || condition.operator === "!=")) {
      return <SuggestedTextInput label={label} source={suggestions.source} quoted={suggestions.quoted} value={value} onChange={onChange} error={failing} />;
    }
    return <ValueInput label={label} type={parameter?.type ?? "string"} integer={parameter?.integer} filter={filter.name} value={value} onChange={onChange} currencyCode={props.currencyCode} error={failing} />;
  };
  return (
    <div className="segment-condition" data-parameter={position}>
      <BlockStack gap="100">
        <InlineStack gap="200" blockAlign="start" wrap>
          <div style={{ minWidth: "10rem" }}>
            <Select
              label={t("editor.conditions.name", { filter: filterName })}
              labelHidden
              options={[
                ...(parameter ? [] : [{ label: condition.name || t("editor.conditions.choose"), value: condition.name, disabled: true }]),
                ...(filter.parameters ?? []).map((known) => ({ label: parameterLabel(t, known.name), value: known.name })),
              ]}
              value={condition.name}
              onChange={(name) => change({ name })}
            />
          </div>
          <div style={{ minWidth: "9rem" }}>
            <Select
              label={t("editor.conditions.operator", { condition: conditionName })}
              labelHidden
              options={[
                ...(condition.operator === "" ? [{ label: t("editor.rows.chooseOperator"), value: "", disabled: true }] : []),
                ...operators.map((operator) => ({ label: operatorLabel(t, parameter?.type ?? "number", operator), value: operator })),
              ]}
              value={condition.operator}
              onChange={(operator) => {
                const chosen = operators.find((candidate) => candidate === operator);
                if (chosen) change({ operator: chosen });
              }}
            />
          </div>
          {condition.operator ? <div style={{ minWidth: "12rem", flex: "1 1 12rem" }}>{input("value")}</div> : null}
          {condition.operator === "BETWEEN" ? (
            <>
              <div style={{ paddingTop: "var(--p-space-150)" }}>
                <Text as="span">{t("editor.rows.and")}</Text>
              </div>
              <div style={{ minWidth: "12rem", flex: "1 1 12rem" }}>{input("valueTo")}</div>
            </>
          ) : null}
          <Button variant="tertiary" tone="critical" onClick={() => dispatch({ type: "removeParameter", ...at })} accessibilityLabel={t("editor.conditions.remove", { condition: conditionName })}>
            {t("editor.rows.removeShort")}
          </Button>
        </InlineStack>
        {messages.map((problem) => (
          <RowMessage key={problem.message} message={problem.message} insist={props.insist} />
        ))}
        <ProblemList text={props.text} problems={problems} onApply={props.onApply} showSource={false} />
      </BlockStack>
    </div>
  );
}
