// One document model for every notification, rendered twice (plain text and HTML) so both
// say the same thing and every user-controlled string passes through one escape.
import { escapeHtml, oneLine, type Language } from "./format.js";

export interface MailDoc {
  /** The reader's language: `<html lang>` here, Content-Language from the outbox row's language. */
  lang: Language;
  subject: string;
  heading: string;
  paragraphs: string[];
  /** Label/value rows (contract, component, metric, …). */
  fields: [string, string][];
  /** Rows of a list (a digest's incidents). */
  items?: string[];
  link?: { label: string; url: string };
  footer: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function renderDoc(doc: MailDoc): RenderedMail {
  return { subject: oneLine(doc.subject), text: renderText(doc), html: renderHtml(doc) };
}

function renderText(doc: MailDoc): string {
  const width = Math.max(0, ...doc.fields.map(([label]) => label.length));
  return [
    doc.heading,
    "",
    ...doc.paragraphs.flatMap((p) => [p, ""]),
    ...doc.fields.map(([label, value]) => `${label.padEnd(width)} : ${value}`),
    ...(doc.items && doc.items.length > 0 ? ["", ...doc.items.map((i) => `- ${i}`)] : []),
    ...(doc.link ? ["", `${doc.link.label}: ${doc.link.url}`] : []),
    "",
    "-- ",
    doc.footer,
    "",
  ].join("\n");
}

function renderHtml(doc: MailDoc): string {
  const e = escapeHtml;
  const rows = doc.fields
    .map(([l, v]) => `<tr><th align="left">${e(l)}</th><td>${e(v)}</td></tr>`)
    .join("");
  const items = doc.items?.length
    ? `<ul>${doc.items.map((i) => `<li>${e(i)}</li>`).join("")}</ul>`
    : "";
  // Only http(s) links become anchors: a javascript: URL must never be clickable.
  const link =
    doc.link && /^https?:\/\//.test(doc.link.url)
      ? `<p><a href="${e(doc.link.url)}">${e(doc.link.label)}</a></p>`
      : "";
  return [
    `<!doctype html><html lang="${doc.lang}"><head><meta charset="utf-8"><title>${e(oneLine(doc.subject))}</title></head><body>`,
    `<h2>${e(doc.heading)}</h2>`,
    ...doc.paragraphs.map((p) => `<p>${e(p)}</p>`),
    rows ? `<table cellpadding="4">${rows}</table>` : "",
    items,
    link,
    `<hr><p style="color:#666">${e(doc.footer)}</p>`,
    `</body></html>`,
  ].join("\n");
}
