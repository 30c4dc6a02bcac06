import type { MetafieldDefinitionInfo } from "./filters";

/**
 * A built-in segment a merchant can start from. The query is canonical text (print(parse(query))
 * returns it unchanged) and checks cleanly once the shop has the metafields named in `requires`.
 */
export interface SegmentTemplate {
  /** stable kebab-case identifier */
  readonly key: string;
  readonly category: "value" | "lifecycle" | "engagement" | "predictions" | "products";
  readonly name: { readonly en: string; readonly nl: string };
  readonly description: { readonly en: string; readonly nl: string };
  readonly query: string;
  /** metafield filters the query (or a filter it uses) reads, e.g. "metafields.facts.birth_date" */
  readonly requires?: readonly string[];
}

/** Shopify's standard birth-date metafield: anniversary() and the app's `age` filter read it. */
export const BIRTH_DATE_METAFIELD = "metafields.facts.birth_date";

/** The metafield definitions a shop needs for every template to check (tests use them as the check context). */
export const TEMPLATE_METAFIELDS: readonly MetafieldDefinitionInfo[] = [{ namespace: "facts", key: "birth_date", type: "date", name: "Birth date" }];

export const TEMPLATES: readonly SegmentTemplate[] = [
  // Value
  {
    key: "vip-top-spenders",
    category: "value",
    name: { en: "VIP customers", nl: "VIP-klanten" },
    description: {
      en: "Customers who have spent 1,000 or more in your store over their lifetime. Raise or lower the amount to fit your prices.",
      nl: "Klanten die in totaal 1.000 of meer bij je hebben besteed. Pas het bedrag aan je prijsniveau aan.",
    },
    query: "amount_spent >= 1000",
  },
  {
    key: "champions-and-loyal",
    category: "value",
    name: { en: "Champions and loyal customers", nl: "Kampioenen en trouwe klanten" },
    description: {
      en: "Shopify's RFM groups for customers who buy often, spend the most and ordered recently. Ideal for early access and thank-you offers.",
      nl: "De RFM-groepen van Shopify voor klanten die vaak kopen, het meest besteden en kort geleden nog bestelden. Perfect voor voorverkoop of een bedankje.",
    },
    query: "rfm_group = 'CHAMPIONS' OR rfm_group = 'LOYAL'",
  },
  {
    key: "big-last-order",
    category: "value",
    name: { en: "Big last order", nl: "Flinke laatste bestelling" },
    description: {
      en: "Customers whose most recent order came to more than 150. A good audience for a follow-up with matching accessories.",
      nl: "Klanten van wie de laatste bestelling meer dan 150 bedroeg. Een mooie groep om op te volgen met bijpassende accessoires.",
    },
    query: "last_order_amount > 150",
  },
  {
    key: "orders-50k-200k-in-2025",
    category: "value",
    name: { en: "Ordered 50,000–200,000 in 2025", nl: "Tussen 50.000 en 200.000 besteld in 2025" },
    description: {
      en: "Customers whose orders placed in 2025 add up to between 50,000 and 200,000. Lifetime amount paid can't be limited to a period, so this counts the orders placed between the two dates; change the dates and amounts to suit.",
      nl: "Klanten bij wie de bestellingen uit 2025 samen tussen 50.000 en 200.000 uitkomen. Het totaal betaalde bedrag kun je niet tot een periode beperken, dus hier tellen de bestellingen tussen de twee datums. Pas datums en bedragen gerust aan.",
    },
    query: "orders_placed MATCHES (date BETWEEN 2025-01-01 AND 2025-12-31, sum_amount BETWEEN 50000 AND 200000)",
  },
  {
    key: "coupon-hunters",
    category: "value",
    name: { en: "Coupon hunters", nl: "Kortingsjagers" },
    description: {
      en: "Repeat customers who used a discount code on at least half of their orders. Think twice before sending them another code.",
      nl: "Terugkerende klanten die bij minstens de helft van hun bestellingen een kortingscode gebruikten. Bedenk je even voordat je ze nog een code stuurt.",
    },
    query: "discount_order_share >= 0.5 AND number_of_orders >= 2",
  },

  // Lifecycle
  {
    key: "first-time-buyers",
    category: "lifecycle",
    name: { en: "New first-time buyers", nl: "Nieuwe klanten met hun eerste bestelling" },
    description: {
      en: "Customers who placed their very first order in the last 30 days. Welcome them and nudge them towards a second purchase.",
      nl: "Klanten die de afgelopen 30 dagen voor het eerst iets bestelden. Heet ze welkom en verleid ze tot een tweede aankoop.",
    },
    query: "number_of_orders = 1 AND first_order_date >= -30d",
  },
  {
    key: "one-time-buyers",
    category: "lifecycle",
    name: { en: "One-time buyers", nl: "Eenmalige kopers" },
    description: {
      en: "Customers who have ordered exactly once, whenever that was.",
      nl: "Klanten die precies één keer iets hebben besteld, ongeacht wanneer.",
    },
    query: "number_of_orders = 1",
  },
  {
    key: "repeat-buyers",
    category: "lifecycle",
    name: { en: "Repeat buyers", nl: "Terugkerende kopers" },
    description: {
      en: "Customers who came back and ordered at least twice.",
      nl: "Klanten die terugkwamen en minstens twee keer bestelden.",
    },
    query: "number_of_orders >= 2",
  },
  {
    key: "lapsed-60-days",
    category: "lifecycle",
    name: { en: "No order in 60 days", nl: "60 dagen niets besteld" },
    description: {
      en: "Customers whose last order was more than 60 days ago. Catch them before they forget you.",
      nl: "Klanten van wie de laatste bestelling meer dan 60 dagen geleden is. Vang ze op voordat ze je vergeten.",
    },
    query: "last_order_date < -60d",
  },
  {
    key: "lapsed-90-days",
    category: "lifecycle",
    name: { en: "Win back: no order in 90 days", nl: "Terugwinnen: 90 dagen stil" },
    description: {
      en: "Customers who have ordered before but not in the last 90 days. The classic audience for a reactivation campaign.",
      nl: "Klanten die eerder bestelden, maar de afgelopen 90 dagen niet meer. De klassieke doelgroep voor een heractiveringscampagne.",
    },
    query: "number_of_orders >= 1 AND last_order_date < -90d",
  },
  {
    key: "signed-up-not-ordered",
    category: "lifecycle",
    name: { en: "New sign-ups without an order", nl: "Nieuwe aanmeldingen zonder bestelling" },
    description: {
      en: "Customers added in the last 30 days who haven't ordered yet.",
      nl: "Klanten die de afgelopen 30 dagen zijn toegevoegd en nog niets hebben besteld.",
    },
    query: "customer_added_date >= -30d AND number_of_orders = 0",
  },

  // Engagement
  {
    key: "birthday-next-30-days",
    category: "engagement",
    name: { en: "Birthday coming up", nl: "Binnenkort jarig" },
    description: {
      en: "Customers whose birthday falls within the next 30 days, whatever the year. Needs the birth date metafield.",
      nl: "Klanten die de komende 30 dagen jarig zijn, los van het geboortejaar. Werkt met het metaveld voor de geboortedatum.",
    },
    query: "anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d",
    requires: [BIRTH_DATE_METAFIELD],
  },
  {
    key: "abandoned-checkout-7-days",
    category: "engagement",
    name: { en: "Abandoned checkout this week", nl: "Afgebroken checkout deze week" },
    description: {
      en: "Customers who left a checkout in the last 7 days and haven't placed an order since. Customers who never ordered at all are included too.",
      nl: "Klanten die de afgelopen 7 dagen een checkout hebben afgebroken en sindsdien niets hebben besteld. Ook klanten die nog nooit bestelden vallen hieronder.",
    },
    query: "abandoned_checkout_date >= -7d AND orders_placed NOT MATCHES (date >= -7d)",
  },
  {
    key: "subscribers-never-bought",
    category: "engagement",
    name: { en: "Subscribers who never bought", nl: "Abonnees zonder aankoop" },
    description: {
      en: "People on your email list who haven't ordered anything yet. A first-order offer could tip them over.",
      nl: "Mensen op je mailinglijst die nog nooit iets hebben besteld. Een aanbod voor de eerste bestelling kan ze over de streep trekken.",
    },
    query: "email_subscription_status = 'SUBSCRIBED' AND number_of_orders = 0",
  },

  // Predictions
  {
    key: "high-predicted-spend",
    category: "predictions",
    name: { en: "High predicted spend", nl: "Hoge verwachte besteding" },
    description: {
      en: "Customers in Shopify's top predicted spend tier: the ones expected to spend the most in the coming year.",
      nl: "Klanten in de hoogste voorspelde bestedingsklasse van Shopify: zij besteden naar verwachting het meest in het komende jaar.",
    },
    query: "predicted_spend_tier = 'HIGH'",
  },
  {
    key: "churn-risk",
    category: "predictions",
    name: { en: "At risk of churning", nl: "Dreigen af te haken" },
    description: {
      en: "Repeat customers with a churn probability of 70% or more according to the app's model. Reach out before they're gone.",
      nl: "Terugkerende klanten met volgens het model van de app minstens 70% kans dat ze afhaken. Neem contact op voordat ze weg zijn.",
    },
    query: "churn_probability >= 0.7 AND number_of_orders >= 2",
  },
  {
    key: "rfm-at-risk",
    category: "predictions",
    name: { en: "At risk (RFM)", nl: "Risicogroep (RFM)" },
    description: {
      en: "Shopify's RFM group for customers who used to order often and spend well but haven't bought for a while.",
      nl: "De RFM-groep van Shopify voor klanten die vroeger vaak en flink bestelden, maar al een tijd niets meer hebben gekocht.",
    },
    query: "rfm_group = 'AT_RISK'",
  },
  {
    key: "expected-to-order-soon",
    category: "predictions",
    name: { en: "Due to order soon", nl: "Binnenkort weer aan de beurt" },
    description: {
      en: "Customers the app expects to place their next order within the next 14 days. Good timing for a reminder.",
      nl: "Klanten van wie de app verwacht dat ze binnen 14 dagen opnieuw bestellen. Een goed moment voor een herinnering.",
    },
    query: "expected_next_order_date BETWEEN today AND +14d",
  },
  {
    key: "high-predicted-12-month-spend",
    category: "predictions",
    name: { en: "Big spenders next year", nl: "Grote besteders komend jaar" },
    description: {
      en: "Customers the app predicts will spend 500 or more in the next 12 months.",
      nl: "Klanten die volgens de voorspelling van de app de komende 12 maanden 500 of meer uitgeven.",
    },
    query: "predicted_spend_12m >= 500",
  },

  // Products
  {
    key: "over-25-bought-sand-wash-jeans",
    category: "products",
    name: { en: "Over 25 and bought the sand-wash jeans", nl: "Ouder dan 25 en de sand-wash jeans gekocht" },
    description: {
      en: "Customers older than 25 who bought the product with SKU sand-wash-jeans. Age comes from the birth date metafield; swap in your own SKU.",
      nl: "Klanten ouder dan 25 die het product met SKU sand-wash-jeans hebben gekocht. De leeftijd komt uit het metaveld voor de geboortedatum; vul gerust je eigen SKU in.",
    },
    query: "age > 25 AND products_purchased MATCHES (sku = 'sand-wash-jeans')",
    requires: [BIRTH_DATE_METAFIELD],
  },
  {
    key: "stocked-up-recently",
    category: "products",
    name: { en: "Stocked up recently", nl: "Onlangs flink ingeslagen" },
    description: {
      en: "Customers who bought three or more items in the last 30 days.",
      nl: "Klanten die de afgelopen 30 dagen drie of meer artikelen kochten.",
    },
    query: "products_purchased MATCHES (date >= -30d, sum_quantity >= 3)",
  },
];
