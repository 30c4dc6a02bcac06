import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";
import { I18nProvider } from "./I18nProvider";
import { formatChange } from "./format";
import { LargestSegments, type LargestSegment } from "./LargestSegments";

function render(segments: LargestSegment[], total: number, locale: "en" | "nl" = "en") {
  return renderToStaticMarkup(
    <AppProvider i18n={polarisEn}>
      <I18nProvider locale={locale}>
        <LargestSegments segments={segments} total={total} />
      </I18nProvider>
    </AppProvider>,
  );
}

/** Each segment row as read: name, members, change. */
function rows(html: string): string[][] {
  const body = /<div id="largest-segments">.*?<tbody>(.*?)<\/tbody>/s.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map(([, row]) => [...row!.matchAll(/<(th|td)[^>]*>(.*?)<\/\1>/gs)].map(([, , content]) => content!.replace(/<[^>]+>/g, "").trim()));
}

const segments: LargestSegment[] = [
  { id: "seg-a", name: "Lapsed 90 days", memberCount: 1_500, change: -100 },
  { id: "seg-b", name: "VIP customers", memberCount: 120, change: 20 },
  { id: "seg-c", name: "Steady", memberCount: 40, change: 0 },
  { id: "seg-d", name: "First-time buyers", memberCount: 8, change: null },
];

describe("largest segments", () => {
  it("writes a change with its sign, in the admin's language", () => {
    expect(formatChange(20, "en")).toBe("+20");
    expect(formatChange(-1_234, "en")).toBe("-1,234");
    expect(formatChange(0, "en")).toBe("0");
    expect(formatChange(1_234, "nl")).toBe("+1.234");
    expect(formatChange(-5, "nl")).toBe("-5");
  });

  it("lists each segment with a link to its page, its members and its 30-day change", () => {
    const html = render(segments, 4);
    expect(html).toMatch(/id="largest-segments-title"[^>]*>Largest segments</);
    expect(rows(html)).toEqual([
      ["Lapsed 90 days", "1,500", "-100"],
      ["VIP customers", "120", "+20"],
      ["Steady", "40", "0"],
      ["First-time buyers", "8", "No history yet"],
    ]);
    for (const { id } of segments) expect(html).toContain(`href="/app/segments/${id}"`);
    expect(html).toContain(">View segments<");
    expect(html).not.toContain("No segments yet");
    expect(rows(render(segments, 4, "nl"))[0]).toEqual(["Lapsed 90 days", "1.500", "-100"]);
  });

  it("says how many there are when it shows only the largest", () => {
    expect(render(segments, 12_000)).toContain(">View all 12,000 segments<");
    expect(render(segments, 12_000, "nl")).toContain(">Alle 12.000 segmenten bekijken<");
  });

  it("offers to create the first segment, or start from a template, when there is none", () => {
    const html = render([], 0);
    expect(html).toContain('id="largest-segments"');
    expect(html).toContain("No segments yet");
    expect(html).toContain('href="/app/segments/new"');
    expect(html).toContain('href="/app/templates"');
    expect(html).not.toContain("<table");
    expect(render([], 0, "nl")).toContain("Segment maken");
  });
});
