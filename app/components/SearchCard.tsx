import { Form } from "@remix-run/react";
import { Button, Card, InlineStack, TextField } from "@shopify/polaris";
import { useState } from "react";

/** The search box above an index table: the `q` URL parameter, submitted or cleared through `onSearch`. */
export function SearchCard(props: { query: string; label: string; placeholder: string; submit: string; onSearch: (q: string) => void }) {
  const [search, setSearch] = useState(props.query);
  return (
    <Card>
      <Form
        method="get"
        onSubmit={(event) => {
          event.preventDefault();
          props.onSearch(search);
        }}
      >
        <InlineStack gap="200" blockAlign="end" wrap={false}>
          <div style={{ flexGrow: 1 }}>
            <TextField
              label={props.label}
              labelHidden
              name="q"
              type="search"
              value={search}
              onChange={setSearch}
              placeholder={props.placeholder}
              autoComplete="off"
              clearButton
              onClearButtonClick={() => {
                setSearch("");
                props.onSearch("");
              }}
            />
          </div>
          <Button submit>{props.submit}</Button>
        </InlineStack>
      </Form>
    </Card>
  );
}
