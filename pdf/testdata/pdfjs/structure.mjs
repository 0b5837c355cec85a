// Prints, as JSON, what pdf.js (the PDF viewer of Firefox and of many web pages) exposes of each PDF named
// on the command line: its title, language and mark info, its outline, and each page's structure tree,
// every element with its role and the text of its marked content.
import { readFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

async function describe(path) {
  const data = new Uint8Array(await readFile(path));
  const doc = await getDocument({ data, verbosity: 0, disableFontFace: true, useSystemFonts: false }).promise;
  const { info, metadata } = await doc.getMetadata();
  const outline = (await doc.getOutline()) || [];
  const out = {
    title: info.Title,
    xmpTitle: metadata ? metadata.get("dc:title") : null,
    lang: info.Language,
    marked: !!(await doc.getMarkInfo())?.Marked,
    outline: outline.map((o) => o.title),
  };
  // Each page's structure tree, as pdf.js gives it to a viewer's accessibility layer: the elements with
  // marked content on the page, with their roles and that content's text. An element continued over pages
  // is in the tree of each.
  out.pages = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const text = new Map();
    let id = null;
    for (const item of (await page.getTextContent({ includeMarkedContent: true })).items) {
      if (item.type === "beginMarkedContentProps" || item.type === "beginMarkedContent") id = item.id || null;
      else if (item.type === "endMarkedContent") id = null;
      else if (id !== null) text.set(id, (text.get(id) || "") + " " + item.str);
    }
    const convert = (node) => {
      const el = { role: node.role, text: "", kids: [] };
      for (const c of node.children || []) {
        if (c.type === "content") el.text += text.get(c.id) || "";
        else if (c.role) el.kids.push(convert(c));
      }
      el.text = el.text.replace(/\s+/g, " ").trim();
      return el;
    };
    const tree = await page.getStructTree();
    out.pages.push(tree ? convert(tree) : null);
  }
  return out;
}

const results = {};
for (const path of process.argv.slice(2)) results[path] = await describe(path);
process.stdout.write(JSON.stringify(results));
