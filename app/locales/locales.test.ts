import { expect, it } from "vitest";
import en from "./en.json";
import nl from "./nl.json";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

it("Dutch has every English message, with the same placeholders", () => {
  const english = en as Record<string, string>;
  const dutch = nl as Record<string, string>;
  expect(Object.keys(dutch).sort()).toEqual(Object.keys(english).sort());
  const mismatched = Object.keys(english).filter((key) => JSON.stringify(placeholders(english[key]!)) !== JSON.stringify(placeholders(dutch[key] ?? "")));
  expect(mismatched).toEqual([]);
});
