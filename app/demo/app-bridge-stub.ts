/**
 * What App Bridge does for the app inside Shopify admin, reduced to what the demo and the browser
 * test need: `shopify.idToken()`, session tokens on same-origin fetches, and the admin chrome
 * (navigation menu, title bar) drawn inside the page. Served only in demo mode.
 */
export const APP_BRIDGE_STUB = String.raw`(function () {
  "use strict";
  var script = document.currentScript;
  var apiKey = script && script.getAttribute("data-api-key");
  var params = new URLSearchParams(location.search);
  var realFetch = window.fetch.bind(window);
  var cached = null;
  function idToken() {
    if (cached && cached.expires > Date.now()) return Promise.resolve(cached.token);
    return realFetch("/demo/session-token", { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error("demo session token: HTTP " + response.status); return response.json(); })
      .then(function (body) { cached = { token: body.token, expires: Date.now() + 45000 }; return body.token; });
  }
  window.fetch = function (input, init) {
    var url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, location.href);
    if (url.origin !== location.origin || url.pathname.indexOf("/demo/") === 0) return realFetch(input, init);
    return idToken().then(function (token) {
      var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
      headers.set("Authorization", "Bearer " + token);
      return realFetch(input, Object.assign({}, init, { headers: headers }));
    });
  };
  window.shopify = {
    config: { apiKey: apiKey, shop: params.get("shop"), locale: params.get("locale") || "en", host: params.get("host") },
    idToken: idToken,
    toast: { show: function (message) { var el = document.createElement("div"); el.setAttribute("role", "status"); el.className = "demo-toast"; el.textContent = message; document.body.appendChild(el); setTimeout(function () { el.remove(); }, 3000); } },
    loading: function () {},
    saveBar: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); }, toggle: function () { return Promise.resolve(); } },
    modal: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); }, toggle: function () { return Promise.resolve(); } },
    environment: { embedded: false, mobile: false, pos: false },
  };
  // Styles through adoptedStyleSheets and a body::before banner: React hydrates the whole document,
  // so the stand-in must not add elements before it has.
  var sheet = new CSSStyleSheet();
  sheet.replaceSync("ui-nav-menu{display:flex;gap:16px;padding:10px 20px;background:#1a1a1a;font:14px Inter,sans-serif}" +
    "ui-nav-menu a{color:#fff;text-decoration:none}ui-nav-menu a[rel=home]{font-weight:600}" +
    "ui-title-bar{display:block;padding:12px 20px 0;font:600 20px Inter,sans-serif}ui-title-bar::before{content:attr(title)}" +
    ".demo-toast{position:fixed;bottom:24px;left:50%;transform:translateX(-50%);background:#1a1a1a;color:#fff;padding:8px 16px;border-radius:8px}" +
    "body::before{display:block;content:'Demo: signed in to " + String(params.get("shop") || "").replace(/[^a-z0-9.-]/gi, "") + " on the local Shopify stand-in';background:#fff4d6;padding:6px 20px;font:13px Inter,sans-serif}");
  document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  // Shopify admin turns a click in its menu into a 'shopify:navigate' event; the app's router follows it.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("ui-nav-menu a") : null;
    if (!link) return;
    event.preventDefault();
    link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
  });
})();`;
