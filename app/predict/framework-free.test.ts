import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

it("the models import nothing outside app/predict (tests aside): the CLI, the app and the benchmark share them as they are", () => {
  const root = import.meta.dirname;
  const files = readdirSync(root).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));
  expect(files.length).toBeGreaterThan(6);
  const offending = files.flatMap((file) =>
    [...readFileSync(join(root, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)]
      .map((match) => match[1] as string)
      .filter((specifier) => !/^\.\/[\w-]+$/.test(specifier))
      .map((specifier) => `${file}: ${specifier}`),
  );
  expect(offending).toEqual([]);
});
