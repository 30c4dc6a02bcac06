import { useNavigation } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { useEffect, useRef } from "react";
import { useI18n } from "~/components/I18nProvider";

/**
 * A toast once a save or duplicate has gone through: the submission ended (the page followed the
 * redirect) and the action did not answer with errors. A delete leaves the page, which says enough.
 */
export function useIntentToast(refused: boolean) {
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const { t } = useI18n();
  const pending = useRef<string | null>(null);
  useEffect(() => {
    if (navigation.state !== "idle") {
      const intent = navigation.formData?.get("intent");
      if (typeof intent === "string") pending.current = intent;
      return;
    }
    const intent = pending.current;
    pending.current = null;
    if (refused || (intent !== "save" && intent !== "duplicate")) return;
    shopify.toast.show(t(intent === "save" ? "editor.toast.saved" : "editor.toast.duplicated"));
  }, [navigation.state, navigation.formData, refused, shopify, t]);
}
