import { BlockStack, Box, Button, InlineStack, Text } from "@shopify/polaris";
import type { QueryProblem } from "~/services/segment-editor.types";
import { useI18n } from "~/components/I18nProvider";
import { excerpt, replacementOf } from "./problems";

/**
 * Problems at their place in the query text: line and column, the engine's message, the line with
 * a caret under the span, and the suggestion (a button that applies it when it is a replacement).
 */
export function ProblemList({ text, problems, onApply, showSource = true }: { text: string; problems: readonly QueryProblem[]; onApply?: (problem: QueryProblem) => void; showSource?: boolean }) {
  const { t } = useI18n();
  if (problems.length === 0) return null;
  return (
    <BlockStack gap="200">
      {problems.map((problem) => {
        const { source, caret } = excerpt(text, problem);
        const replacement = replacementOf(problem);
        return (
          <div key={`${problem.start}:${problem.end}:${problem.message}`} className="segment-problem" data-line={problem.line} data-column={problem.column} role="alert">
            <BlockStack gap="100">
              <Text as="p" tone="critical">
                {t("editor.problem.at", { line: problem.line, column: problem.column })} {problem.message}
              </Text>
              {showSource ? (
                <Box background="bg-surface-secondary" padding="200" borderRadius="100">
                  <pre style={{ margin: 0, fontFamily: "var(--p-font-family-mono)", fontSize: "var(--p-font-size-275)", whiteSpace: "pre", overflowX: "auto" }}>
                    {source}
                    {"\n"}
                    <span style={{ color: "var(--p-color-text-critical)" }}>{caret}</span>
                  </pre>
                </Box>
              ) : null}
              {problem.suggestion ? (
                <InlineStack gap="200" blockAlign="center">
                  {replacement !== null && onApply ? (
                    <Button variant="plain" onClick={() => onApply(problem)}>
                      {t("editor.problem.apply", { replacement })}
                    </Button>
                  ) : (
                    <Text as="span" tone="subdued">
                      {problem.suggestion}
                    </Text>
                  )}
                </InlineStack>
              ) : null}
            </BlockStack>
          </div>
        );
      })}
    </BlockStack>
  );
}
