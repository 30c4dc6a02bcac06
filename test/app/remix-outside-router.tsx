/**
 * `@remix-run/react` for route tests that render a page outside a Remix router: the page reads what
 * the test put in `page` (the loader's and the action's answers); navigation, fetchers and forms are
 * idle stand-ins. Use as
 *   vi.mock("@remix-run/react", (importOriginal) => import("…/remix-outside-router").then((m) => m.remixOutsideRouter(importOriginal, page)));
 */
import type { ReactNode } from "react";

export interface RenderedPage {
  data: unknown;
  action?: unknown;
}

export async function remixOutsideRouter(importOriginal: () => Promise<unknown>, page: RenderedPage) {
  return {
    ...((await importOriginal()) as typeof import("@remix-run/react")),
    useLoaderData: () => page.data,
    useActionData: () => page.action,
    useNavigation: () => ({ state: "idle" }),
    useNavigate: () => () => undefined,
    useSubmit: () => () => undefined,
    useSearchParams: () => [new URLSearchParams(), () => undefined],
    useRevalidator: () => ({ state: "idle", revalidate: () => undefined }),
    useFetcher: () => ({ state: "idle", data: undefined, formData: undefined, submit: () => undefined, load: () => undefined }),
    Form: (props: object) => <form {...props} />,
    Link: ({ to, children }: { to: string; children: ReactNode }) => <a href={to}>{children}</a>,
  };
}
