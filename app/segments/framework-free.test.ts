import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

it("the engine imports nothing from Remix, Prisma, Shopify or Node, nor from the app around it (tests aside)", () => {
  const root = import.meta.dirname;
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));
  expect(files.length).toBeGreaterThan(10);
  const offending = files.flatMap((file) =>
    [...readFileSync(join(root, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)]
      .map((match) => match[1] as string)
      .filter((specifier) => !specifier.startsWith(".") || relative(root, resolve(root, file, "..", specifier)).startsWith(".."))
      .map((specifier) => `${file}: ${specifier}`),
  );
  expect(offending).toEqual([]);
});
