import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

it("the engine imports nothing from Remix, Prisma, Shopify or Node (tests aside)", () => {
  const dir = import.meta.dirname;
  const offending = readdirSync(dir)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .flatMap((file) =>
      [...readFileSync(join(dir, file), "utf8").matchAll(/from\s+["']([^"']+)["']/g)]
        .map((match) => match[1] as string)
        .filter((specifier) => !specifier.startsWith("./"))
        .map((specifier) => `${file}: ${specifier}`),
    );
  expect(offending).toEqual([]);
});
