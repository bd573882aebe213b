/**
 * Atlassian Document Format (ADF) <-> the hub's markdown-ish plain text. API v3 takes and returns
 * `description` and comment bodies as ADF; the hub keeps plain text. The text side understands
 * paragraphs (blank-line separated, single newlines are hard breaks), `- `/`* ` and `1. ` lists,
 * fenced code blocks, `inline code`, **strong** and [links](url); ADF nodes beyond that are read as
 * their text so nothing a person wrote disappears.
 * Node and mark names: developer.atlassian.com/cloud/jira/platform/apis/document/structure/.
 */

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  content?: AdfNode[];
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

const FENCE = /^```([\w+-]*)\s*$/;
const BULLET = /^[-*] (.*)$/;
const ORDERED = /^(\d+)\. (.*)$/;
const INLINE = /`([^`]+)`|\[([^\]]+)\]\((\S+?)\)|\*\*([^*]+)\*\*/g;

/** Text to an ADF document; an empty text is an empty document. */
export function textToAdf(text: string): AdfDoc {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const content: AdfNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !/^```\s*$/.test(lines[i])) body.push(lines[i++]);
      i += 1;
      const text = body.join('\n');
      // ADF has no empty text node (Jira refuses one): a blank code block has no content.
      const code: AdfNode = { type: 'codeBlock', content: text ? [{ type: 'text', text }] : [] };
      if (fence[1]) code.attrs = { language: fence[1] };
      content.push(code);
    } else if (BULLET.test(line) || ORDERED.test(line)) {
      const ordered = !BULLET.test(line);
      const items: AdfNode[] = [];
      const start = ordered ? Number(ORDERED.exec(line)![1]) : 1;
      for (let m = itemOf(lines[i], ordered); i < lines.length && m !== undefined; m = itemOf(lines[++i] ?? '', ordered)) {
        items.push({ type: 'listItem', content: [{ type: 'paragraph', content: inline(m) }] });
      }
      const list: AdfNode = { type: ordered ? 'orderedList' : 'bulletList', content: items };
      if (ordered && start !== 1) list.attrs = { order: start };
      content.push(list);
    } else if (line.trim() === '') {
      i += 1;
    } else {
      const paragraph: string[] = [];
      while (i < lines.length && lines[i].trim() !== '' && !FENCE.test(lines[i]) && !BULLET.test(lines[i]) && !ORDERED.test(lines[i])) paragraph.push(lines[i++]);
      content.push({ type: 'paragraph', content: paragraph.flatMap((l, n) => (n === 0 ? inline(l) : [{ type: 'hardBreak' }, ...inline(l)])) });
    }
  }
  return { type: 'doc', version: 1, content };
}

/** An ADF document (or any node) as text; null and non-documents read as empty. */
export function adfToText(node: unknown): string {
  if (typeof node === 'string') return node;
  if (!isNode(node)) return '';
  return blocks(node.content ?? []).trimEnd();
}

function itemOf(line: string, ordered: boolean): string | undefined {
  const match = (ordered ? ORDERED : BULLET).exec(line);
  return match ? match[match.length - 1] : undefined;
}

function inline(text: string): AdfNode[] {
  const nodes: AdfNode[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) nodes.push({ type: 'text', text: text.slice(last, match.index) });
    if (match[1] !== undefined) nodes.push({ type: 'text', text: match[1], marks: [{ type: 'code' }] });
    else if (match[2] !== undefined) nodes.push({ type: 'text', text: match[2], marks: [{ type: 'link', attrs: { href: match[3] } }] });
    else nodes.push({ type: 'text', text: match[4], marks: [{ type: 'strong' }] });
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push({ type: 'text', text: text.slice(last) });
  return nodes;
}

function blocks(nodes: AdfNode[], indent = ''): string {
  return nodes.map((n) => block(n, indent)).filter((b) => b !== '').join('\n\n');
}

function block(node: AdfNode, indent: string): string {
  const children = node.content ?? [];
  switch (node.type) {
    case 'paragraph':
      return indent + inlineText(children).replace(/\n/g, `\n${indent}`);
    case 'heading':
      return `${indent}${'#'.repeat(Number(node.attrs?.level) || 1)} ${inlineText(children)}`;
    case 'codeBlock': {
      const language = typeof node.attrs?.language === 'string' ? node.attrs.language : '';
      return [`${indent}\`\`\`${language}`, ...inlineText(children).split('\n').map((l) => indent + l), `${indent}\`\`\``].join('\n');
    }
    case 'bulletList':
    case 'orderedList': {
      const start = Number(node.attrs?.order) || 1;
      return children.map((item, n) => listItem(item, node.type === 'bulletList' ? '- ' : `${start + n}. `, indent)).join('\n');
    }
    case 'blockquote':
      return blocks(children).split('\n').map((l) => `${indent}> ${l}`).join('\n');
    case 'rule':
      return `${indent}---`;
    default:
      // Panels, tables, media and newer nodes: their text, so what a person wrote survives.
      return children.length > 0 ? (children.every(isInline) ? indent + inlineText(children) : blocks(children, indent)) : inlineText([node]);
  }
}

function listItem(item: AdfNode, bullet: string, indent: string): string {
  const [first, ...rest] = item.content ?? [];
  const head = first ? block(first, '').split('\n').join(`\n${indent}  `) : '';
  const nested = rest.map((child) => block(child, `${indent}  `)).filter(Boolean);
  return [`${indent}${bullet}${head}`, ...nested].join('\n');
}

function inlineText(nodes: AdfNode[]): string {
  return nodes.map(inlineNode).join('');
}

function inlineNode(node: AdfNode): string {
  const attr = (name: string) => (typeof node.attrs?.[name] === 'string' ? (node.attrs[name] as string) : '');
  switch (node.type) {
    case 'text':
      return marked(node.text ?? '', node.marks ?? []);
    case 'hardBreak':
      return '\n';
    case 'mention':
      return attr('text') || `@${attr('id')}`;
    case 'emoji':
      return attr('text') || attr('shortName');
    case 'inlineCard':
    case 'blockCard':
      return attr('url');
    case 'date':
      return attr('timestamp') ? new Date(Number(attr('timestamp'))).toISOString().slice(0, 10) : '';
    case 'status':
      return attr('text');
    default:
      return inlineText(node.content ?? []);
  }
}

function marked(text: string, marks: NonNullable<AdfNode['marks']>): string {
  let out = text;
  if (marks.some((m) => m.type === 'code')) out = `\`${out}\``;
  if (marks.some((m) => m.type === 'strong')) out = `**${out}**`;
  const link = marks.find((m) => m.type === 'link');
  if (link && typeof link.attrs?.href === 'string') out = `[${out}](${link.attrs.href})`;
  return out;
}

function isInline(node: AdfNode): boolean {
  return ['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status'].includes(node.type);
}

function isNode(value: unknown): value is AdfNode {
  return typeof value === 'object' && value !== null && typeof (value as AdfNode).type === 'string';
}
