/**
 * The sample support agent's world: customer requests, a knowledge base and an order
 * database. Plain data, so the agent's behaviour is the same on every run.
 */

export type Intent = "billing" | "shipping" | "account" | "technical" | "general";

/** Customer requests the demo cycles through (run i gets request i mod length). */
export const SUPPORT_REQUESTS: readonly string[] = [
  "Where is my order A1001? It was due yesterday.",
  "I was charged twice for order A1002, please refund the duplicate.",
  "How do I reset my password? The reset email never arrives.",
  "The app crashes every time I upload a photo.",
  "Order A1004 arrived broken, I want a refund.",
  "Can you tell me when order A1003 will ship?",
  "Do you offer invoices with my company VAT number?",
  "I can't log in after changing my phone.",
];

/** Index of the request whose run shows every feature (tools, approval, resume). */
export const SHOWCASE_REQUEST_INDEX = 1;

const INTENT_KEYWORDS: ReadonlyArray<[Intent, RegExp]> = [
  ["billing", /\b(refund|charged|invoice|vat|bill)/i],
  ["technical", /\b(crash|error|bug|upload)/i],
  ["account", /\b(password|log in|login|account|phone)/i],
  ["shipping", /\b(order|ship|deliver|track)/i],
];

export function classifyIntent(text: string): Intent {
  for (const [intent, pattern] of INTENT_KEYWORDS) if (pattern.test(text)) return intent;
  return "general";
}

export const KNOWLEDGE_BASE: Readonly<Record<Intent, readonly string[]>> = {
  billing: [
    "Duplicate charges are refunded to the original payment method within 5 business days.",
    "Refunds above $100 need a second approval by a support lead.",
    "Invoices with a VAT number can be downloaded from Settings > Billing.",
  ],
  shipping: [
    "Standard shipping takes 3-5 business days; tracking updates every 12 hours.",
    "Orders ship from the warehouse within 24 hours of payment.",
  ],
  account: [
    "Password reset emails can take up to 10 minutes; check the spam folder.",
    "After changing phones, re-enrol two-factor authentication from a recovery code.",
  ],
  technical: [
    "Photo uploads are limited to 20 MB; larger files make older app versions crash.",
    "Crash reports are triaged by the mobile team within one business day.",
  ],
  general: ["Support is available 24/7 by chat and email."],
};

export interface Order {
  id: string;
  status: string;
  amountUsd: number;
}

export const ORDERS: Readonly<Record<string, Order>> = {
  A1001: { id: "A1001", status: "in transit, arriving tomorrow", amountUsd: 58 },
  A1002: { id: "A1002", status: "delivered, charged twice", amountUsd: 42 },
  A1003: { id: "A1003", status: "packed, ships today", amountUsd: 23.5 },
  A1004: { id: "A1004", status: "delivered damaged", amountUsd: 189 },
};

export function findOrderId(text: string): string | undefined {
  return /\b(A\d{4})\b/.exec(text)?.[1];
}
