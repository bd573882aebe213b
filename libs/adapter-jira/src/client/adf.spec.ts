import { adfToText, textToAdf } from './adf';

describe('ADF conversion', () => {
  it.each([
    ['paragraphs and hard breaks', 'First line\nsecond line\n\nNext paragraph'],
    ['bullet and numbered lists', '- one\n- two\n\n3. three\n4. four'],
    ['code blocks and inline code', '```ts\nconst a = 1;\n\nreturn a;\n```\n\nRun `npm test` now'],
    ['links and strong', 'See [the runbook](https://wiki.example.com/a?b=1) **now**'],
  ])('round-trips %s', (_name, text) => {
    expect(adfToText(textToAdf(text))).toBe(text);
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
});
