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
    saveBar: {
      show: function (id) { return withSaveBar(id, "show"); },
      hide: function (id) { return withSaveBar(id, "hide"); },
      toggle: function (id) { return withSaveBar(id, "toggle"); },
      leaveConfirmation: function () { return openSaveBar() ? (openSaveBar().shake(), Promise.reject(new Error("unsaved changes"))) : Promise.resolve(); },
    },
    modal: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); }, toggle: function () { return Promise.resolve(); } },
    environment: { embedded: false, mobile: false, pos: false },
  };
  function withSaveBar(id, method) {
    var element = document.getElementById(id);
    if (element && typeof element[method] === "function") element[method]();
    return Promise.resolve();
  }
  function openSaveBar() {
    var open = document.querySelector("ui-save-bar[data-demo-showing]");
    return open && typeof open.shake === "function" ? open : null;
  }
  // <ui-save-bar>: Shopify admin draws the contextual save bar above the app and forwards clicks to
  // the element's <button> children, which the page never shows. Here the element draws that bar in
  // its shadow root, one button per child button (label, variant, loading and disabled kept current).
  class SaveBarElement extends HTMLElement {
    constructor() {
      super();
      this.showing = false;
      this.root = this.attachShadow({ mode: "open" });
      this.observer = new MutationObserver(this.draw.bind(this));
    }
    connectedCallback() {
      this.observer.observe(this, { childList: true, subtree: true, attributes: true, characterData: true });
      if (this.hasAttribute("open")) this.show();
    }
    disconnectedCallback() { this.observer.disconnect(); }
    show() { if (!this.showing) { this.showing = true; this.setAttribute("data-demo-showing", ""); this.draw(); this.dispatchEvent(new CustomEvent("show")); } return Promise.resolve(); }
    hide() { if (this.showing) { this.showing = false; this.removeAttribute("data-demo-showing"); this.draw(); this.dispatchEvent(new CustomEvent("hide")); } return Promise.resolve(); }
    toggle() { return this.showing ? this.hide() : this.show(); }
    shake() { var bar = this.root.querySelector(".bar"); if (bar) bar.animate([{ transform: "translateX(-6px)" }, { transform: "translateX(6px)" }, { transform: "none" }], { duration: 240, iterations: 2 }); }
    draw() {
      var root = this.root;
      while (root.firstChild) root.removeChild(root.firstChild);
      if (!this.showing) return;
      var style = document.createElement("style");
      style.textContent = ".bar{position:fixed;top:0;left:0;right:0;z-index:1000;display:flex;align-items:center;gap:8px;padding:10px 20px;background:#1a1a1a;color:#fff;font:600 14px Inter,sans-serif}" +
        ".bar span{flex:1}button{font:inherit;padding:6px 12px;border-radius:8px;border:1px solid #616161;background:#303030;color:#fff;cursor:pointer}" +
        "button.primary{background:#fff;color:#1a1a1a;border-color:#fff}button:disabled{opacity:.6;cursor:default}";
      var bar = document.createElement("div");
      bar.className = "bar";
      bar.setAttribute("role", "region");
      // Shopify admin writes this in the admin's language
      var unsaved = String(params.get("locale") || "en").slice(0, 2).toLowerCase() === "nl" ? "Niet-opgeslagen wijzigingen" : "Unsaved changes";
      bar.setAttribute("aria-label", unsaved);
      var text = document.createElement("span");
      text.textContent = unsaved;
      bar.appendChild(text);
      Array.prototype.forEach.call(this.querySelectorAll("button"), function (source) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = source.textContent;
        if (source.getAttribute("variant") === "primary") button.className = "primary";
        button.disabled = source.hasAttribute("disabled") || source.hasAttribute("loading");
        if (source.hasAttribute("loading")) button.setAttribute("aria-busy", "true");
        button.addEventListener("click", function () { source.click(); });
        bar.appendChild(button);
      });
      root.appendChild(style);
      root.appendChild(bar);
    }
  }
  if (!customElements.get("ui-save-bar")) customElements.define("ui-save-bar", SaveBarElement);
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
    // like Shopify admin: while the save bar shows, leaving is refused and the bar shakes
    var unsaved = openSaveBar();
    if (unsaved) return unsaved.shake();
    link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
  });
})();`;
