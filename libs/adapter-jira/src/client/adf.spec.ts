import fc from 'fast-check';
import { adfProblem } from '../emulator/adfProblem';
import { adfToText, textToAdf, type AdfNode } from './adf';

/** Every text node in a document, to show none is empty. */
const textNodes = (nodes: AdfNode[]): AdfNode[] => nodes.flatMap((n) => (n.type === 'text' ? [n] : textNodes(n.content ?? [])));

describe('ADF conversion', () => {
  it.each([
    ['paragraphs and hard breaks', 'First line\nsecond line\n\nNext paragraph'],
    ['bullet and numbered lists', '- one\n- two\n\n3. three\n4. four'],
    ['code blocks and inline code', '```ts\nconst a = 1;\n\nreturn a;\n```\n\nRun `npm test` now'],
    ['links and strong', 'See [the runbook](https://wiki.example.com/a?b=1) **now**'],
  ])('round-trips %s', (_name, text) => {
    expect(adfToText(textToAdf(text))).toBe(text);
    expect(adfProblem(textToAdf(text))).toBeUndefined();
  });

  it('writes the nodes and marks Jira expects', () => {
    expect(textToAdf('- a `b`\n\n[x](https://e.com)')).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a ' }, { type: 'text', text: 'b', marks: [{ type: 'code' }] }] }] }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'https://e.com' } }] }] },
      ],
    });
  });

  it('reads nested lists, headings, mentions and unknown nodes as text', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Impact' }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }] }, { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'b' }] }] }] }] }] },
        { type: 'panel', content: [{ type: 'paragraph', content: [{ type: 'mention', attrs: { id: '1', text: '@Olivia' } }, { type: 'text', text: ' on it' }] }] },
      ],
    };
    expect(adfToText(doc)).toBe('## Impact\n\n- a\n  - b\n\n@Olivia on it');
    expect(adfToText(null)).toBe('');
  });

  describe("against Atlassian's ADF schema", () => {
    const samples: Array<[string, string]> = [
      ['an empty string', ''],
      ['whitespace only', ' \t \n\n   \r\n'],
      ['multiple lines and paragraphs', 'First line\nsecond line\r\nthird\n\n\nNext paragraph\n'],
      ['a very long text', Array.from({ length: 2000 }, (_, n) => `Line ${n} with **strong**, \`code\` and [a link](https://e.com/${n}).`).join('\n')],
      ['a blank code block', '```\n\n```'],
      ['an empty fenced code block and an unterminated one', '```sh\n```\n\n```'],
      ['empty list items', '- \n- b\n\n1. \n0. zero'],
      ['markup without content', '** ** `` [](x) []()'],
    ];

    it.each(samples)('accepts what the adapter writes for %s', (_name, text) => {
      const doc = textToAdf(text);
      expect(adfProblem(doc)).toBeUndefined();
      expect(textNodes(doc.content).filter((n) => !n.text)).toEqual([]);
    });

    it('writes an empty document for a text with nothing to show', () => {
      expect(textToAdf('')).toEqual({ type: 'doc', version: 1, content: [] });
      expect(textToAdf(' \n\t\n')).toEqual({ type: 'doc', version: 1, content: [] });
    });

    it('writes a blank code block without an empty text node and reads it back', () => {
      expect(textToAdf('```\n\n```').content).toEqual([{ type: 'codeBlock', content: [] }]);
      expect(adfToText(textToAdf('```\n\n```'))).toBe('```\n\n```');
    });

    it('accepts what the adapter writes for any mix of its markup (fixed seed)', () => {
      const piece = fc.oneof(
        fc.constantFrom('\n', '\n\n', '\r\n', ' ', '- ', '* ', '1. ', '```', '```ts\n', '`', '**', '[', '](', ')', 'https://e.com'),
        fc.string({ maxLength: 8 }),
      );
      const text = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));
      fc.assert(fc.property(text, (t) => adfProblem(textToAdf(t)) === undefined), { seed: 20260301, numRuns: 500 });
    });
  });
});
