import { SaveBar } from "@shopify/app-bridge-react";
import { useEffect, useState } from "react";

/** Whether App Bridge's save bar element exists here (Shopify admin has it; a page without App Bridge has not). */
export function useSaveBarSupported(): boolean {
  const [supported, setSupported] = useState(false);
  useEffect(() => setSupported(typeof customElements !== "undefined" && customElements.get("ui-save-bar") !== undefined), []);
  return supported;
}

/** App Bridge's contextual save bar for a form page: shown while there are unsaved changes. */
export function FormSaveBar(props: { id: string; open: boolean; saving: boolean; onSave: () => void; onDiscard: () => void; saveLabel: string; discardLabel: string }) {
  return (
    <SaveBar id={props.id} open={props.open}>
      <button variant="primary" onClick={props.onSave} loading={props.saving ? "" : undefined}>
        {props.saveLabel}
      </button>
      <button onClick={props.onDiscard}>{props.discardLabel}</button>
    </SaveBar>
  );
}
