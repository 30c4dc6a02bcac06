import { useFetcher, useNavigate, useNavigation, useSubmit } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, FormLayout, Layout, List, Modal, Page, Tabs, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from "react";
import type { CountResponse, EditorData, QueryProblem, SaveErrors, SaveFields } from "~/services/segment-editor.types";
import { useI18n } from "~/components/I18nProvider";
import { FormSaveBar, useSaveBarSupported } from "~/components/FormSaveBar";
import type { Locale } from "~/i18n";
import { CountCard, type CountView } from "./CountCard";
import { editorReducer, stateFromText, type EditorAction, type EditorState } from "./editor-state";
import { fieldMessage } from "./labels";
import { COUNT_DEBOUNCE_MS, countable, countAnswered, countRequested, isCountResponse, NO_COUNT, shownCount } from "./live-count";
import { ProblemList } from "./ProblemList";
import { PublishingCard } from "./PublishingCard";
import { applySuggestion, excerpt, placeOfProblem, problemsToShow } from "./problems";
import { RowsEditor } from "./RowsEditor";

export const COUNT_ACTION = "/app/segments/count";

/** The live count: a debounced POST of the text on screen; only the latest request's answer is taken. Problems come back in `locale`. */
function useLiveCount(text: string, locale: Locale) {
  const fetcher = useFetcher<CountResponse>();
  const [live, setLive] = useState(NO_COUNT);
  const seq = useRef(0);
  const { submit } = fetcher;
  useEffect(() => {
    if (!countable(text)) return;
    const timer = setTimeout(() => {
      const asked = ++seq.current;
      setLive((state) => countRequested(state, asked, text));
      // reusing one fetcher aborts the request before it; the sequence check guards the rest
      submit({ query: text, locale }, { method: "post", action: COUNT_ACTION });
    }, COUNT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, locale, submit]);
  useEffect(() => {
    const data = fetcher.data;
    if (fetcher.state !== "idle" || !isCountResponse(data)) return;
    const answered = seq.current;
    setLive((state) => countAnswered(state, answered, data));
  }, [fetcher.state, fetcher.data]);
  return { live, busy: fetcher.state !== "idle" };
}

/** The save action's refusal with what was submitted: the problems point into that query text. */
export type RefusedSave = SaveErrors & { submitted?: Pick<SaveFields, "name" | "description" | "query"> };

export interface SegmentEditorProps {
  data: EditorData;
  /** the save action's refusal, if the last save was refused */
  errors: RefusedSave | null | undefined;
  /** more cards below the publishing card (the segment's discounts) */
  children?: ReactNode;
}

/** The segment editor: name and description, the segment as rows or as query text, the live count and preview, save, duplicate and delete. */
export function SegmentEditor({ data, errors, children }: SegmentEditorProps) {
  const { t, locale } = useI18n();
  const types = useMemo(() => new Map(data.filters.map((filter) => [filter.name, filter.type])), [data.filters]);
  // a page rendered with a refusal (a form posted without scripts) starts from what was submitted
  const start = errors?.submitted ?? data;
  // what is wrong with the rows is said in the admin's language, as the server's problems are
  const [state, dispatch] = useReducer(
    (current: EditorState, action: EditorAction) => editorReducer(current, action, (name) => types.get(name), locale),
    start.query,
    (text: string) => stateFromText(text, locale),
  );
  const [name, setName] = useState(start.name);
  const [description, setDescription] = useState(start.description);
  const [tab, setTab] = useState(state.rows ? 0 : 1);
  const [insist, setInsist] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const submit = useSubmit();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "idle" ? null : navigation.formData?.get("intent");
  const saveBarSupported = useSaveBarSupported();
  const { live, busy } = useLiveCount(state.text, locale);

  const answer = live.answer;
  const problems = problemsToShow(
    state.text,
    [answer && !answer.response.ok ? { text: answer.text, problems: answer.response.problems } : null, errors?.submitted ? { text: errors.submitted.query, problems: errors.problems } : null],
    locale,
  );
  const placed = problems.map((problem) => ({ problem, place: placeOfProblem(state.text, state.rows, problem) }));
  const shown = shownCount(live, state.text);
  const view: CountView =
    state.text.trim() === ""
      ? { kind: "empty" }
      : problems.length > 0
        ? { kind: "problems" }
        : shown?.response.ok
          ? { kind: "counted", response: shown.response, current: shown.current }
          : { kind: "waiting" };

  const isNew = data.segment === null;
  const dirty = isNew ? name.trim() !== "" || state.text.trim() !== "" : name !== data.name || description !== data.description || state.text !== data.query;
  // the locale names the language of the answer's messages; the template is remembered on the new segment
  const fields = (intent: SaveFields["intent"]) => ({ intent, name, description, query: state.text, locale, ...(isNew && data.templateKey ? { templateKey: data.templateKey } : {}) }) satisfies SaveFields & Record<string, string>;
  const save = () => {
    // unfinished rows are not in the text yet: saving now would drop them without a word
    if (state.rowProblems.length > 0) {
      setInsist(true);
      setTab(0);
      return;
    }
    submit({ ...fields("save") }, { method: "post" });
  };
  const discard = () => {
    if (isNew) return navigate("/app/segments");
    setName(data.name);
    setDescription(data.description);
    setInsist(false);
    dispatch({ type: "setText", text: data.query });
  };
  const apply = (problem: QueryProblem) => {
    const next = applySuggestion(state.text, problem);
    if (next !== null) dispatch({ type: "setText", text: next });
  };
  const fieldError = (field: "name" | "description" | "query") => {
    const message = errors?.fields[field];
    return message ? fieldMessage(t, message) : undefined;
  };

  const rowsPanel = state.rows ? (
    <RowsEditor
      rows={state.rows}
      filters={data.filters}
      dispatch={dispatch}
      text={state.text}
      problems={placed}
      rowProblems={state.rowProblems}
      insist={insist}
      onApply={apply}
      currencyCode={data.currencyCode}
    />
  ) : state.rowsNote?.kind === "doesNotFit" ? (
    <Banner tone="info" title={t("editor.rows.doesNotFit")} action={{ content: t("editor.rows.openQuery"), onAction: () => setTab(1) }}>
      <BlockStack gap="200">
        <Text as="p">{state.rowsNote.reason}</Text>
        <pre style={{ margin: 0, fontFamily: "var(--p-font-family-mono)", whiteSpace: "pre", overflowX: "auto" }}>
          {(() => {
            const { source, caret } = excerpt(state.text, { message: "", line: 0, column: 0, start: state.rowsNote.span.start, end: state.rowsNote.span.end });
            return `${source}\n${caret}`;
          })()}
        </pre>
      </BlockStack>
    </Banner>
  ) : (
    <Banner tone="warning" title={t("editor.rows.unreadable")} action={{ content: t("editor.rows.openQuery"), onAction: () => setTab(1) }}>
      <ProblemList text={state.text} problems={problems} onApply={apply} />
    </Banner>
  );

  const queryPanel = (
    <BlockStack gap="300">
      {state.rowProblems.length > 0 ? <Banner tone="warning">{t("editor.query.unfinishedRows")}</Banner> : null}
      {state.rowsNote?.kind === "doesNotFit" ? <Banner tone="info">{t("editor.query.doesNotFit", { reason: state.rowsNote.reason })}</Banner> : null}
      <TextField
        label={t("editor.query.label")}
        name="query"
        value={state.text}
        onChange={(text) => dispatch({ type: "setText", text })}
        multiline={6}
        monospaced
        spellCheck={false}
        autoComplete="off"
        helpText={t("editor.query.help")}
        error={fieldError("query")}
      />
      <ProblemList text={state.text} problems={problems} onApply={apply} />
    </BlockStack>
  );

  const saving = busyIntent === "save";
  return (
    <Page
      backAction={{ content: t("nav.segments"), url: "/app/segments" }}
      primaryAction={saveBarSupported ? undefined : { content: t("editor.save"), onAction: save, loading: saving, disabled: !dirty || busyIntent === "delete" }}
      secondaryActions={
        data.segment
          ? [
              { content: t("editor.duplicate"), onAction: () => submit({ ...fields("duplicate") }, { method: "post" }), loading: busyIntent === "duplicate" },
              { content: t("editor.export"), url: `/app/exports?segment=${encodeURIComponent(data.segment.id)}` },
              { content: t("editor.delete"), destructive: true, onAction: () => setConfirmDelete(true) },
            ]
          : []
      }
    >
      <TitleBar title={data.segment?.name ?? t("editor.newTitle")} />
      {saveBarSupported ? (
        <FormSaveBar id="segment-save-bar" open={dirty} saving={saving} onSave={save} onDiscard={discard} saveLabel={t("editor.save")} discardLabel={t("editor.discard")} />
      ) : null}
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {errors ? (
              <Banner tone="critical" title={t("editor.notSaved")}>
                <List>
                  {(["name", "description", "query"] as const).map((field) => (fieldError(field) ? <List.Item key={field}>{fieldError(field)}</List.Item> : null))}
                  {errors.problems.map((problem) => (
                    <List.Item key={`${problem.start}:${problem.message}`}>{t("editor.problem.at", { line: problem.line, column: problem.column })} {problem.message}</List.Item>
                  ))}
                </List>
              </Banner>
            ) : null}
            {insist && state.rowProblems.length > 0 ? <Banner tone="critical">{t("editor.rows.finishFirst")}</Banner> : null}
            <Card>
              <FormLayout>
                <TextField label={t("editor.name")} name="name" value={name} onChange={setName} autoComplete="off" maxLength={255} error={fieldError("name")} />
                <TextField label={t("editor.description")} name="description" value={description} onChange={setDescription} autoComplete="off" multiline={2} maxLength={1000} error={fieldError("description")} />
              </FormLayout>
            </Card>
            <Card padding="0">
              <Tabs
                tabs={[
                  { id: "segment-rows-tab", content: t("editor.tab.rows"), panelID: "segment-rows-panel" },
                  { id: "segment-query-tab", content: t("editor.tab.query"), panelID: "segment-query-panel" },
                ]}
                selected={tab}
                onSelect={setTab}
              />
              <div style={{ padding: "var(--p-space-400)" }}>
                {/* both panels stay rendered so a tab switch keeps what each holds */}
                <div id="segment-rows-panel" role="tabpanel" aria-labelledby="segment-rows-tab" hidden={tab !== 0}>
                  {rowsPanel}
                </div>
                <div id="segment-query-panel" role="tabpanel" aria-labelledby="segment-query-tab" hidden={tab !== 1}>
                  {queryPanel}
                </div>
              </div>
            </Card>
            <Card>
              <CountCard view={view} busy={busy} currencyCode={data.currencyCode} timeZone={data.timeZone} />
            </Card>
            {data.publishing ? <PublishingCard publishing={data.publishing.view} themeEditorUrl={data.publishing.themeEditorUrl} /> : null}
            {children}
          </BlockStack>
        </Layout.Section>
      </Layout>
      <Modal
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title={t("editor.deleteTitle", { name: data.segment?.name ?? "" })}
        primaryAction={{
          content: t("editor.delete"),
          destructive: true,
          loading: busyIntent === "delete",
          onAction: () => submit({ ...fields("delete") }, { method: "post" }),
        }}
        secondaryActions={[{ content: t("editor.cancel"), onAction: () => setConfirmDelete(false) }]}
      >
        <Modal.Section>
          <Text as="p">{t("editor.deleteBody")}</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
