import { describe, expect, it } from "vitest";
import { translator } from "~/i18n";
import { analyse } from "~/segments/engine";
import { FILTERS, operatorsOf, type FunctionParameter } from "~/segments/filters";
import { PARAMETER_OPERATORS, type ParameterOperator } from "~/segments/rows";
import { enumLabel, fieldMessage, filterLabel, GROUP_ORDER, groupLabel, operatorLabel, parameterLabel, parameterOperators } from "./labels";

const en = translator("en");
const nl = translator("nl");

function sample(parameter: FunctionParameter): string {
  switch (parameter.type) {
    case "number":
      return "1";
    case "money":
      return "10";
    case "date":
      return "-30d";
    case "boolean":
      return "true";
    case "string":
      return "'x'";
  }
}

function condition(parameter: FunctionParameter, operator: ParameterOperator): string {
  const value = sample(parameter);
  if (operator === "BETWEEN") return `${parameter.name} BETWEEN ${value} AND ${value}`;
  if (operator === "IN" || operator === "NOT IN") return `${parameter.name} ${operator} (${value}, ${value})`;
  return `${parameter.name} ${operator} ${value}`;
}

describe("operators in words", () => {
  it("offers for each MATCHES condition exactly the operators the checker accepts", () => {
    for (const filter of FILTERS.values()) {
      for (const parameter of filter.parameters ?? []) {
        const offered = parameterOperators(parameter);
        for (const operator of PARAMETER_OPERATORS) {
          const query = `${filter.name} MATCHES (${condition(parameter, operator)})`;
          expect(analyse(query).ok, query).toBe(offered.includes(operator));
        }
      }
    }
  });

  it("names every operator of every filter differently, in English and in Dutch", () => {
    for (const t of [en, nl]) {
      for (const filter of FILTERS.values()) {
        const labels = operatorsOf(filter).map((operator) => operatorLabel(t, filter.type, operator));
        expect(new Set(labels).size, filter.name).toBe(labels.length);
        for (const label of labels) expect(label, filter.name).not.toMatch(/^editor\./);
      }
      for (const filter of FILTERS.values()) {
        for (const parameter of filter.parameters ?? []) {
          const labels = parameterOperators(parameter).map((operator) => operatorLabel(t, parameter.type, operator));
          expect(new Set(labels).size).toBe(labels.length);
        }
      }
    }
    expect(operatorLabel(en, "money", ">=")).toBe("is at least");
    expect(operatorLabel(en, "date", ">")).toBe("is after");
    expect(operatorLabel(nl, "date", "<")).toBe("is vóór");
    expect(operatorLabel(en, "enum", "!=")).toBe("is not");
    expect(operatorLabel(nl, "list", "NOT CONTAINS")).toBe("bevat niet");
  });
});

describe("names in the admin's language", () => {
  it("names groups, filters, conditions and enum values", () => {
    expect(GROUP_ORDER.map((group) => groupLabel(nl, group))).toEqual(["Klant", "Bestellingen", "Producten", "Voorspellingen", "Metavelden"]);
    expect(filterLabel({ name: "amount_spent", label: "Amount spent" }, "nl")).toBe("Besteed bedrag");
    expect(filterLabel({ name: "metafields.facts.birth_date", label: "Birth date" }, "nl")).toBe("Birth date");
    expect(parameterLabel(en, "sum_quantity")).toBe("Total quantity");
    expect(parameterLabel(en, "colour")).toBe("colour");
    for (const filter of FILTERS.values()) {
      for (const value of filter.type === "enum" ? (filter.values ?? []) : []) {
        expect(enumLabel(en, filter.name, value), `${filter.name} ${value}`).not.toBe(value);
        expect(enumLabel(nl, filter.name, value), `${filter.name} ${value}`).not.toBe(value);
      }
    }
    expect(enumLabel(nl, "rfm_group", "AT_RISK")).toBe(nl("customers.rfm.AT_RISK"));
    expect(enumLabel(en, "predicted_spend_tier", "HIGH")).toBe(en("customers.tier.HIGH"));
  });

  it("translates a field message that is a message key and shows any other text as it came", () => {
    expect(fieldMessage(nl, "editor.save")).toBe("Opslaan");
    expect(fieldMessage(nl, "Er is al een segment met deze naam")).toBe("Er is al een segment met deze naam");
  });
});
