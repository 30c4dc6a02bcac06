import { useFetcher } from "@remix-run/react";
import { Autocomplete, BlockStack, Button, DatePicker, InlineStack, Popover, Select, TextField } from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { FilterType } from "~/segments/filters";
import type { SuggestionsResponse } from "~/services/segment-editor.types";
import { useI18n } from "~/components/I18nProvider";
import { enumLabel } from "./labels";
import {
  calendarDate,
  currencyAffixes,
  describeDate,
  numberValue,
  pickerDay,
  quoteText,
  relativeChoiceLabel,
  relativeDate,
  RELATIVE_CHOICES,
  RELATIVE_UNITS,
  splitRelative,
  textValue,
  unquoteText,
  type RelativeUnit,
} from "./values";

export const SUGGEST_DEBOUNCE_MS = 200;

/** Where a value input asks for values from the store. */
export function suggestionsUrl(filter: string, q: string): string {
  return `/app/segments/suggestions?${new URLSearchParams({ filter, q }).toString()}`;
}

export interface ValueInputProps {
  /** the input's label, read by screen readers (the row shows the filter and operator instead) */
  label: string;
  type: FilterType;
  integer?: boolean;
  /** the filter the value belongs to: enum labels */
  filter: string;
  /** the filter name to ask GET /app/segments/suggestions about, when the store can suggest values */
  suggestFrom?: string | null;
  values?: readonly string[];
  value: string | undefined;
  onChange: (value: string) => void;
  currencyCode: string;
  error?: boolean;
}

/** The value input that fits the type: a number, money with the shop's currency, a date, an enum, yes/no, or text with values from the store. */
export function ValueInput(props: ValueInputProps) {
  const { t, locale } = useI18n();
  const { label, type, value, onChange, error } = props;
  switch (type) {
    case "number":
    case "money": {
      const affixes = type === "money" ? currencyAffixes(props.currencyCode, locale) : {};
      return (
        <TextField
          label={label}
          labelHidden
          autoComplete="off"
          inputMode={props.integer ? "numeric" : "decimal"}
          value={value ?? ""}
          onChange={(input) => onChange(numberValue(input))}
          placeholder={props.integer ? "3" : type === "money" ? "100.00" : "0"}
          error={error}
          {...affixes}
        />
      );
    }
    case "date":
      return <DateValueInput label={label} value={value} onChange={onChange} error={error} />;
    case "enum": {
      const current = unquoteText(value);
      const known = props.values ?? [];
      // a value the filter does not have (typed in the query tab) stays visible until it is changed
      const unknown = current !== "" && !known.includes(current) ? [{ label: current, value: current, disabled: true }] : [];
      return (
        <Select
          label={label}
          labelHidden
          options={[{ label: t("editor.value.choose"), value: "", disabled: true }, ...unknown, ...known.map((option) => ({ label: enumLabel(t, props.filter, option), value: option }))]}
          value={current}
          onChange={(option) => onChange(option === "" ? "" : quoteText(option))}
          error={error}
        />
      );
    }
    case "boolean":
      return (
        <Select
          label={label}
          labelHidden
          options={[
            { label: t("editor.value.choose"), value: "", disabled: true },
            { label: t("editor.value.true"), value: "true" },
            { label: t("editor.value.false"), value: "false" },
          ]}
          value={value ?? ""}
          onChange={onChange}
          error={error}
        />
      );
    default:
      if (props.suggestFrom) return <SuggestedTextInput label={label} source={props.suggestFrom} value={value} onChange={onChange} error={error} quoted />;
      return <TextField label={label} labelHidden autoComplete="off" value={unquoteText(value)} onChange={(input) => onChange(textValue(input))} error={error} />;
  }
}

/**
 * A text input whose values the store suggests as the merchant types (tags, cities, products…):
 * GET /app/segments/suggestions, debounced, only once the input was touched. `quoted` inputs hold
 * text values ('vip'); unquoted ones hold the suggestion's value as it is (a product id).
 */
export function SuggestedTextInput({ label, source, value, onChange, error, quoted }: { label: string; source: string; value: string | undefined; onChange: (value: string) => void; error?: boolean; quoted: boolean }) {
  const { t } = useI18n();
  const fetcher = useFetcher<SuggestionsResponse>();
  const shown = quoted ? unquoteText(value) : (value ?? "");
  const [touched, setTouched] = useState(false);
  const [query, setQuery] = useState(shown);
  useEffect(() => setQuery(shown), [shown]);
  const { load } = fetcher;
  useEffect(() => {
    if (!touched) return;
    const timer = setTimeout(() => load(suggestionsUrl(source, query)), SUGGEST_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [touched, source, query, load]);
  const answer = fetcher.data && fetcher.data.filter === source ? fetcher.data.suggestions : [];
  const options = useMemo(() => answer.map((suggestion) => ({ value: suggestion.value, label: suggestion.label })), [answer]);
  const change = useCallback(
    (input: string) => {
      setTouched(true);
      setQuery(input);
      // a product is searched by its title but kept by its id: only an id typed as digits is a value
      if (quoted) onChange(textValue(input));
      else if (/^\s*\d*\s*$/.test(input)) onChange(input.trim());
    },
    [onChange, quoted],
  );
  return (
    <Autocomplete
      options={options}
      selected={[]}
      loading={fetcher.state === "loading"}
      onSelect={([picked]) => {
        if (picked === undefined) return;
        setQuery(picked);
        onChange(quoted ? quoteText(picked) : picked);
      }}
      emptyState={touched && fetcher.state === "idle" && fetcher.data ? t("editor.value.noSuggestions") : undefined}
      textField={<Autocomplete.TextField label={label} labelHidden autoComplete="off" value={query} onChange={change} onFocus={() => setTouched(true)} error={error} />}
    />
  );
}

/**
 * A date value: typed as the language writes it (2025-01-31, -30d, today), or chosen: today, 30
 * or 90 days ago, a year ago, any number of days, weeks, months or years ago or ahead, or a day on
 * the calendar. The words under the input say what the value means.
 */
export function DateValueInput({ label, value, onChange, error }: { label: string; value: string | undefined; onChange: (value: string) => void; error?: boolean }) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
  const picked = pickerDay(value);
  const shownDay = picked ?? new Date();
  const [month, setMonth] = useState({ month: shownDay.getMonth(), year: shownDay.getFullYear() });
  const relative = splitRelative(value);
  const [amount, setAmount] = useState(String(relative?.amount ?? 30));
  const [unit, setUnit] = useState<RelativeUnit>(relative?.unit ?? "d");
  const [direction, setDirection] = useState<"ago" | "ahead">(relative?.direction ?? "ago");
  const custom = relativeDate(Number(amount), unit, direction);
  const choose = (chosen: string) => {
    onChange(chosen);
    setOpen(false);
  };
  return (
    <TextField
      label={label}
      labelHidden
      autoComplete="off"
      value={value ?? ""}
      placeholder="-30d"
      onChange={(input) => onChange(input.trim())}
      helpText={describeDate(value, locale) ?? undefined}
      error={error}
      connectedRight={
        <Popover
          active={open}
          onClose={() => setOpen(false)}
          preferredAlignment="right"
          activator={
            <Button onClick={() => setOpen((was) => !was)} disclosure={open ? "up" : "down"}>
              {t("editor.date.choose")}
            </Button>
          }
        >
          <div style={{ padding: "var(--p-space-400)", maxWidth: "22rem" }}>
            <BlockStack gap="300">
              <InlineStack gap="200" wrap>
                {RELATIVE_CHOICES.map((choice) => (
                  <Button key={choice} size="slim" pressed={value === choice} onClick={() => choose(choice)}>
                    {relativeChoiceLabel(choice, locale)}
                  </Button>
                ))}
              </InlineStack>
              <InlineStack gap="200" blockAlign="end" wrap={false}>
                <div style={{ width: "5rem" }}>
                  <TextField label={t("editor.date.amount")} type="number" min={0} autoComplete="off" value={amount} onChange={setAmount} />
                </div>
                <Select
                  label={t("editor.date.unit")}
                  options={RELATIVE_UNITS.map((u) => ({ value: u, label: t(`editor.date.unit.${u}`) }))}
                  value={unit}
                  onChange={(chosen) => setUnit(chosen as RelativeUnit)}
                />
                <Select
                  label={t("editor.date.direction")}
                  options={[
                    { value: "ago", label: t("editor.date.ago") },
                    { value: "ahead", label: t("editor.date.ahead") },
                  ]}
                  value={direction}
                  onChange={(chosen) => setDirection(chosen === "ahead" ? "ahead" : "ago")}
                />
                <Button disabled={custom === null} onClick={() => custom && choose(custom)}>
                  {t("editor.date.use")}
                </Button>
              </InlineStack>
              <DatePicker
                month={month.month}
                year={month.year}
                onMonthChange={(m, y) => setMonth({ month: m, year: y })}
                selected={picked ?? undefined}
                onChange={({ start }) => choose(calendarDate(start))}
              />
            </BlockStack>
          </div>
        </Popover>
      }
    />
  );
}
